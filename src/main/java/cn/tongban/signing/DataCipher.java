package cn.tongban.signing;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * SM4-GCM for personal data at rest (GB/T 39786 level 3): a 96-bit random nonce, a 128-bit tag;
 * the ciphertext is stored as nonce ‖ ciphertext ‖ tag, beside the key identifier.
 */
public final class DataCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final KeyParameter key;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();
    // Bouncy Castle's lightweight GCM, keyed once per thread: after the first init, an init
    // without a key keeps the SM4 key schedule and GCM multiplier tables, which the JCA cipher
    // rebuilt for every record (a sixth of an intake's CPU).
    private final ThreadLocal<GCMModeCipher> ciphers = ThreadLocal.withInitial(this::keyedCipher);

    public DataCipher(byte[] key) {
        if (key.length != 16) {
            throw new IllegalArgumentException("an SM4 key has 16 bytes");
        }
        this.key = new KeyParameter(key.clone());
        this.keyId = HexFormat.of().formatHex(Sm3.digest(key), 0, 8);
    }

    public String keyId() {
        return keyId;
    }

    public byte[] encrypt(byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        GCMModeCipher cipher = ciphers.get();
        cipher.init(true, new AEADParameters(null, TAG_BITS, nonce));
        byte[] stored = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
        System.arraycopy(nonce, 0, stored, 0, NONCE_BYTES);
        try {
            int n = cipher.processBytes(plaintext, 0, plaintext.length, stored, NONCE_BYTES);
            cipher.doFinal(stored, NONCE_BYTES + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("SM4-GCM encryption failed", e);
        }
        return stored;
    }

    public byte[] decrypt(byte[] stored) {
        if (stored.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalStateException("SM4-GCM decryption failed: the stored value is too short");
        }
        GCMModeCipher cipher = ciphers.get();
        try {
            cipher.init(false, new AEADParameters(null, TAG_BITS, Arrays.copyOf(stored, NONCE_BYTES)));
            byte[] plain = new byte[cipher.getOutputSize(stored.length - NONCE_BYTES)];
            int n = cipher.processBytes(stored, NONCE_BYTES, stored.length - NONCE_BYTES, plain, 0);
            cipher.doFinal(plain, n);
            return plain;
        } catch (InvalidCipherTextException | IllegalArgumentException e) {
            throw new IllegalStateException("SM4-GCM decryption failed: wrong key or tampered data", e);
        }
    }

    /** A cipher with the key schedule and multiplier tables built; its first nonce is never used. */
    private GCMModeCipher keyedCipher() {
        GCMModeCipher cipher = GCMBlockCipher.newInstance(new SM4Engine());
        byte[] unused = new byte[NONCE_BYTES];
        random.nextBytes(unused);
        cipher.init(true, new AEADParameters(key, TAG_BITS, unused));
        return cipher;
    }
}
