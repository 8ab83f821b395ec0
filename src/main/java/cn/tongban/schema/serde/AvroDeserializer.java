package cn.tongban.schema.serde;

import cn.tongban.schema.WireFormat;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format: finds the writer's schema by id and reads the record into the
 * reader's own version — the writer's (default), the subject's latest ({@code use.latest.version}),
 * a pinned version ({@code tongban.reader.version}) or a generated class ({@code specific.avro.reader}) —
 * by Avro schema resolution.
 */
public class AvroDeserializer implements Deserializer<Object> {

    private RegistryClient registry;
    private boolean specific;
    private boolean useLatest;
    private int pinnedVersion;
    private boolean isKey;
    private final Map<Long, DatumReader<Object>> readers = new ConcurrentHashMap<>();

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = RegistrySerdeConfig.client(configs);
        this.specific = RegistrySerdeConfig.flag(configs, RegistrySerdeConfig.SPECIFIC_AVRO_READER, false);
        this.useLatest = RegistrySerdeConfig.flag(configs, RegistrySerdeConfig.USE_LATEST_VERSION, false);
        this.pinnedVersion =
                Integer.parseInt(RegistrySerdeConfig.string(configs, RegistrySerdeConfig.READER_VERSION, "0"));
        this.isKey = isKey;
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = WireFormat.schemaId(data);
        Schema writer = registry.byId(id);
        Schema reader = readerSchema(topic, writer);
        DatumReader<Object> datumReader = readers.computeIfAbsent(
                ((long) id << 32) ^ reader.hashCode(),
                key -> specific ? new SpecificDatumReader<>(writer, reader) : new GenericDatumReader<>(writer, reader));
        try {
            return datumReader.read(
                    null,
                    DecoderFactory.get()
                            .binaryDecoder(
                                    data, WireFormat.HEADER_LENGTH, data.length - WireFormat.HEADER_LENGTH, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "cannot read a record of schema id " + id + " as " + reader.getFullName(), e);
        }
    }

    private Schema readerSchema(String topic, Schema writer) {
        String subject = topic + (isKey ? "-key" : "-value");
        if (pinnedVersion > 0) {
            return registry.version(subject, pinnedVersion).schema();
        }
        if (useLatest) {
            return registry.latest(subject).schema();
        }
        if (specific) {
            Class<?> generated = SpecificData.get().getClass(writer);
            if (generated == null) {
                throw new SerializationException("no generated class for " + writer.getFullName());
            }
            return SpecificData.get().getSchema(generated);
        }
        return writer;
    }
}
