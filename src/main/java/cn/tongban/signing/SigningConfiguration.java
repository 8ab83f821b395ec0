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
     */
    @ConfigurationProperties("tongban.signing")
    record SigningProperties(Path keyDir, String subjectName) {
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
    DataCipher dataCipher(HubKeys keys) {
        return new DataCipher(keys.dataKey());
    }
}
