package cn.tongban.federation;

import cn.tongban.signing.DataCipher;
import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * 报文留存: a message's exact bytes as kept at rest — deflated, then sealed with SM4-GCM (they may
 * carry personal data). A RECORDS message is megabytes of JSON and base64 that deflate to a
 * fraction, and sealing a fraction is what made keeping the evidence affordable (SM4-GCM over
 * whole bodies was a fifth of a crossing's CPU). The first plaintext byte says how it is packed.
 */
final class StoredBodies {

    private static final byte DEFLATED = 1;

    private StoredBodies() {}

    static byte[] seal(DataCipher cipher, byte[] body) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(body);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
            out.write(DEFLATED);
            byte[] chunk = new byte[16 * 1024];
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            return cipher.encrypt(out.toByteArray());
        } finally {
            deflater.end();
        }
    }

    static byte[] open(DataCipher cipher, String keyId, byte[] stored) {
        byte[] packed = cipher.decrypt(keyId, stored);
        if (packed.length == 0 || packed[0] != DEFLATED) {
            return packed;
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(packed, 1, packed.length - 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream(packed.length * 4);
            byte[] chunk = new byte[16 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && !inflater.finished() && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalStateException("a stored message body is cut short");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalStateException("a stored message body cannot be read", e);
        } finally {
            inflater.end();
        }
    }
}
