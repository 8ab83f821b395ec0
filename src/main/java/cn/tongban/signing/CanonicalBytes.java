package cn.tongban.signing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Builds the bytes that are hashed and signed: fields in a fixed order, each as a 4-byte
 * big-endian length and its bytes (UTF-8 for text), so no two different field lists share bytes
 * and no JSON map order ever matters.
 */
public final class CanonicalBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);

    public CanonicalBytes text(String value) {
        return bytes(value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8));
    }

    public CanonicalBytes bytes(byte[] value) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
        out.writeBytes(value);
        return this;
    }

    public CanonicalBytes number(long value) {
        out.writeBytes(ByteBuffer.allocate(8).putLong(value).array());
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
