package cn.tongban.schema;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: magic byte 0, the schema id as 4 bytes big-endian, then the Avro
 * binary encoding. Keeping to it lets Confluent's own serializers read and write the same topics.
 */
public final class WireFormat {

    public static final byte MAGIC = 0;
    public static final int HEADER_LENGTH = 5;

    private WireFormat() {}

    public static byte[] frame(int schemaId, byte[] avro) {
        return ByteBuffer.allocate(HEADER_LENGTH + avro.length)
                .put(MAGIC)
                .putInt(schemaId)
                .put(avro)
                .array();
    }

    /** The schema id of a framed message. */
    public static int schemaId(byte[] framed) {
        if (framed == null || framed.length < HEADER_LENGTH) {
            throw new SerializationException("message too short for the Confluent wire format");
        }
        if (framed[0] != MAGIC) {
            throw new SerializationException("Unknown magic byte!");
        }
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }
}
