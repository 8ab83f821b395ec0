package cn.tongban.signing;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * SM4-GCM for personal data at rest (GB/T 39786 level 3): a 96-bit random nonce, a 128-bit tag;
 * the ciphertext is stored as nonce ‖ ciphertext ‖ tag, beside the key identifier (the
 * {@code key_id} columns). A rotation adds a key that encrypts from then on; every earlier key
 * stays to decrypt what it encrypted, found by that identifier. A ciphertext stored without one
 * is the first key's.
 */
public final class DataCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    /** Every key by its id, the first key first. */
    private final Map<String, Key> keys = new ConcurrentHashMap<>();

    private final Key original;
    private volatile Key current;

    /**
     * One SM4 key and Bouncy Castle's lightweight GCM, keyed once per thread: after the first init,
     * an init without a key keeps the SM4 key schedule and GCM multiplier tables, which the JCA
     * cipher rebuilt for every record (a sixth of an intake's CPU).
     */
    private final class Key {
        final KeyParameter parameter;
        final String id;
        final ThreadLocal<GCMModeCipher> ciphers = ThreadLocal.withInitial(this::keyedCipher);

        Key(byte[] key) {
            if (key.length != 16) {
                throw new IllegalArgumentException("an SM4 key has 16 bytes");
            }
            this.parameter = new KeyParameter(key.clone());
            this.id = idOf(key);
        }

        /** A cipher with the key schedule and multiplier tables built; its first nonce is never used. */
        private GCMModeCipher keyedCipher() {
            GCMModeCipher cipher = GCMBlockCipher.newInstance(new SM4Engine());
            byte[] unused = new byte[NONCE_BYTES];
            random.nextBytes(unused);
            cipher.init(true, new AEADParameters(parameter, TAG_BITS, unused));
            return cipher;
        }
    }

    public DataCipher(byte[] key) {
        this(List.of(key));
    }

    /** The keys in the order they were made: the first is the original, the last encrypts. */
    public DataCipher(List<byte[]> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a data cipher needs a key");
        }
        Key first = null;
        for (byte[] key : keys) {
            Key k = new Key(key);
            this.keys.putIfAbsent(k.id, k);
            first = first == null ? k : first;
            current = k;
        }
        this.original = first;
    }

    /** The identifier of a key: the first 8 bytes of its SM3 digest, hex. */
    public static String idOf(byte[] key) {
        return HexFormat.of().formatHex(Sm3.digest(key), 0, 8);
    }

    /** The identifier of the key that encrypts now, to be stored beside each ciphertext. */
    public String keyId() {
        return current.id;
    }

    /** Encrypts with {@code key} from now on; earlier keys still decrypt. Returns its identifier. */
    public String use(byte[] key) {
        Key k = new Key(key);
        keys.putIfAbsent(k.id, k);
        current = keys.get(k.id);
        return k.id;
    }

    /** Encrypts with the current key; store {@link #keyId()} beside the result. */
    public byte[] encrypt(byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        GCMModeCipher cipher = current.ciphers.get();
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

    /** Decrypts a value stored without a key identifier: the first key's. */
    public byte[] decrypt(byte[] stored) {
        return decrypt(original, stored);
    }

    /** Whether this cipher holds the key of that id (one rotated in by another instance may not be here yet). */
    public boolean knows(String keyId) {
        return keyId == null || keys.containsKey(keyId);
    }

    /** Decrypts with the key named beside the value (none: the first key). */
    public byte[] decrypt(String keyId, byte[] stored) {
        Key key = keyId == null ? original : keys.get(keyId);
        if (key == null) {
            throw new IllegalStateException("SM4-GCM decryption failed: no data key " + keyId);
        }
        return decrypt(key, stored);
    }

    private byte[] decrypt(Key key, byte[] stored) {
        if (stored.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalStateException("SM4-GCM decryption failed: the stored value is too short");
        }
        GCMModeCipher cipher = key.ciphers.get();
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
}
