package cn.tongban.schema.serde;

import cn.tongban.schema.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generic or specific) in the Confluent wire format, registering or looking
 * up their schema under {@code <topic>-value} (or {@code -key}), Confluent's TopicNameStrategy.
 */
public class AvroSerializer implements Serializer<Object> {

    private RegistryClient registry;
    private boolean autoRegister;
    private boolean useLatest;
    private boolean isKey;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = RegistrySerdeConfig.client(configs);
        this.autoRegister = RegistrySerdeConfig.flag(configs, RegistrySerdeConfig.AUTO_REGISTER_SCHEMAS, true);
        this.useLatest = RegistrySerdeConfig.flag(configs, RegistrySerdeConfig.USE_LATEST_VERSION, false);
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null) {
            return null;
        }
        if (!(data instanceof GenericContainer container)) {
            throw new SerializationException(
                    "expected an Avro record, got " + data.getClass().getName());
        }
        String subject = topic + (isKey ? "-key" : "-value");
        Schema schema = container.getSchema();
        if (useLatest) {
            RegistryClient.Versioned latest = registry.latest(subject);
            byte[] own = encode(schema, data);
            // Avro schema resolution moves the record into the latest version (writer: its own schema).
            return WireFormat.frame(latest.id(), resolve(own, schema, latest.schema()));
        }
        int id = autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema);
        return WireFormat.frame(id, encode(schema, data));
    }

    @SuppressWarnings("unchecked")
    private static byte[] encode(Schema schema, Object data) {
        DatumWriter<Object> writer =
                data instanceof SpecificRecord ? new SpecificDatumWriter<>(schema) : new GenericDatumWriter<>(schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode the record with its schema " + schema.getFullName(), e);
        }
        return out.toByteArray();
    }

    private static byte[] resolve(byte[] avro, Schema writer, Schema reader) {
        try {
            Object record = new GenericDatumReader<>(writer, reader)
                    .read(null, DecoderFactory.get().binaryDecoder(avro, null));
            return encode(reader, record);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("the record does not fit the latest registered schema", e);
        }
    }
}
