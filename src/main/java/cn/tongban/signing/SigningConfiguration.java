package cn.tongban.signing;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SigningConfiguration.SigningProperties.class)
class SigningConfiguration {

    /**
     * @param keyDir where the hub's signing key, certificate and data key live
     * @param subjectName the certificate subject of a key created on first start
     * @param personKey hex key of the HMAC-SM3 person references; empty: person-key.hex in keyDir
     */
    @ConfigurationProperties("tongban.signing")
    record SigningProperties(Path keyDir, String subjectName, String personKey) {
        SigningProperties {
            keyDir = keyDir == null ? Path.of("data", "keys") : keyDir;
            subjectName = subjectName == null ? "Tongban exchange hub" : subjectName;
        }
    }

    @Bean
    HubKeys hubKeys(SigningProperties properties) {
        return HubKeys.loadOrCreate(properties.keyDir(), properties.subjectName());
    }

    @Bean
    PersonRefs personRefs(SigningProperties properties) {
        return PersonRefs.configuredOrStored(properties.personKey(), properties.keyDir());
    }

    @Bean
    DataCipher dataCipher(HubKeys keys) {
        return new DataCipher(keys.dataKeys());
    }
}
