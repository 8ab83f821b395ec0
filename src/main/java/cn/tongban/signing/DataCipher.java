package cn.tongban.signing;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SM4-GCM for personal data at rest (GB/T 39786 level 3): a 96-bit random nonce, a 128-bit tag;
 * the ciphertext is stored as nonce ‖ ciphertext ‖ tag, beside the key identifier.
 */
public final class DataCipher {

    private static final int NONCE_BYTES = 12;

    private final SecretKeySpec key;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();
    // Looking a cipher up costs more than sealing a small record with it: one per thread.
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(DataCipher::newCipher);

    public DataCipher(byte[] key) {
        if (key.length != 16) {
            throw new IllegalArgumentException("an SM4 key has 16 bytes");
        }
        this.key = new SecretKeySpec(key, "SM4");
        this.keyId = HexFormat.of().formatHex(Sm3.digest(key), 0, 8);
    }

    public String keyId() {
        return keyId;
    }

    public byte[] encrypt(byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SM4-GCM encryption failed", e);
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("SM4/GCM/NoPadding", Sm2Signer.PROVIDER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SM4-GCM is unavailable", e);
        }
    }

    public byte[] decrypt(byte[] stored) {
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, stored, 0, NONCE_BYTES));
            return cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SM4-GCM decryption failed: wrong key or tampered data", e);
        }
    }
}
