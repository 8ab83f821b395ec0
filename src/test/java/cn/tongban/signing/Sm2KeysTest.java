package cn.tongban.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;

class Sm2KeysTest {

    @Test
    void acceptsAnSm2PublicKey() throws Exception {
        assertThat(Sm2Keys.problem(pem(key("sm2p256v1")))).isNull();
    }

    @Test
    void refusesAKeyOnAnotherCurve() throws Exception {
        assertThat(Sm2Keys.problem(pem(key("secp256r1")))).contains("SM2");
    }

    @Test
    void refusesWhatIsNotPem() {
        assertThat(Sm2Keys.problem("not a key")).isNotNull();
        assertThat(Sm2Keys.problem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))
                .isNotNull();
    }

    static PublicKey key(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair().getPublic();
    }

    static String pem(Object object) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
