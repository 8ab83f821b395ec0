package cn.tongban.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.UrlResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

/** The demo province's defaults: chosen by tongban.demo.province, beaten by any explicit setting. */
class DemoProvinceDefaultsTest {

    private final DemoProvinceDefaults defaults = new DemoProvinceDefaults();

    @Test
    void s01_guangdongGetsItsProvinceNameDataDirectoryKeysAndPeer() {
        StandardEnvironment environment = environment(Map.of("tongban.demo.province", "guangdong"));
        defaults.postProcessEnvironment(environment, null);

        assertThat(environment.getProperty("tongban.federation.province")).isEqualTo("440000");
        assertThat(environment.getProperty("tongban.federation.name")).isEqualTo("广东省政务数据共享交换平台");
        assertThat(environment.getProperty("tongban.demo.peer-url")).isEqualTo("http://127.0.0.1:8080");
        assertThat(environment.getProperty("tongban.database.embedded.data-dir"))
                .isEqualTo("data/guangdong/postgres");
        assertThat(environment.getProperty("tongban.signing.key-dir")).isEqualTo("data/guangdong/keys");
        assertThat(environment.getProperty("tongban.demo.data")).isEqualTo("classpath:config/demo/guangdong.json");
    }

    @Test
    void s02_hunanIsTheDefaultAndKeepsTheDataDirectoryItAlwaysHad() {
        StandardEnvironment environment = environment(Map.of());
        defaults.postProcessEnvironment(environment, null);

        assertThat(environment.getProperty("tongban.federation.province")).isEqualTo("430000");
        assertThat(environment.getProperty("tongban.demo.peer-url")).isEqualTo("http://127.0.0.1:8081");
        assertThat(environment.getProperty("tongban.demo.data")).isEqualTo("classpath:config/demo/province.json");
        assertThat(environment.getProperty("tongban.signing.key-dir"))
                .as("Hunan's keys stay at the code's default, ./data/keys")
                .isNull();
    }

    @Test
    void s03_anExplicitSettingWins() {
        StandardEnvironment environment = environment(Map.of(
                "tongban.demo.province", "GuangDong",
                "tongban.signing.key-dir", "/srv/keys",
                "tongban.demo.peer-url", "http://gd-peer.example:9000"));
        defaults.postProcessEnvironment(environment, null);

        assertThat(environment.getProperty("tongban.signing.key-dir")).isEqualTo("/srv/keys");
        assertThat(environment.getProperty("tongban.demo.peer-url")).isEqualTo("http://gd-peer.example:9000");
        assertThat(environment.getProperty("tongban.federation.province")).isEqualTo("440000");
    }

    @Test
    void s04_noDemoNoDefaults_andAnUnknownProvinceNamesTheChoices() {
        StandardEnvironment off = environment(Map.of("tongban.demo.enabled", "false"));
        defaults.postProcessEnvironment(off, null);
        assertThat(off.getPropertySources().contains(DemoProvinceDefaults.SOURCE))
                .isFalse();

        assertThatThrownBy(() ->
                        defaults.postProcessEnvironment(environment(Map.of("tongban.demo.province", "hubei")), null))
                .hasMessageContaining("hunan, guangdong");
    }

    @Test
    void s05_itIsRegisteredUnderBoot4sInterfaceName() throws Exception {
        // Boot 4 reads org.springframework.boot.EnvironmentPostProcessor; the Boot 3 key (…boot.env.…) is ignored.
        List<String> registered = new ArrayList<>();
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
            Properties factories = PropertiesLoaderUtils.loadProperties(new UrlResource(url));
            registered.add(factories.getProperty(EnvironmentPostProcessor.class.getName(), ""));
        }
        assertThat(registered).anyMatch(names -> names.contains(DemoProvinceDefaults.class.getName()));
    }

    /** An environment with the settings given and no database configured (so the demo is on by default). */
    private static StandardEnvironment environment(Map<String, Object> settings) {
        StandardEnvironment environment = new StandardEnvironment();
        Map<String, Object> map = new HashMap<>(settings);
        map.putIfAbsent("spring.datasource.url", "");
        environment.getPropertySources().addFirst(new MapPropertySource("test", map));
        return environment;
    }
}
