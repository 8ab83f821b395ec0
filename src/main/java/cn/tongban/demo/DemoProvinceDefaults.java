package cn.tongban.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.DefaultResourceLoader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo province's settings (its {@code defaults} in {@code config/demo/}): province code and
 * name, peer address, data and key directories. They are the environment's last property source,
 * so anything a user sets — command line, environment, application.yaml — wins (a key already
 * given a default there, such as {@code server.port}, is therefore not one of them). Registered in
 * META-INF/spring.factories under Boot 4's {@code org.springframework.boot.EnvironmentPostProcessor};
 * DemoProvinceDefaultsTest and TwoProvinceDemoIT guard it.
 */
class DemoProvinceDefaults implements EnvironmentPostProcessor, Ordered {

    static final String SOURCE = "tongbanDemoProvince";
    static final String DATA_SETTING = "tongban.demo.data";

    @Override
    public int getOrder() {
        // After application.yaml and the other config data are in, so the demo switch reads them.
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!DemoProvince.enabled(environment)) {
            return;
        }
        DemoProvinceChoice choice = DemoProvinceChoice.of(environment.getProperty(DemoProvinceChoice.SETTING));
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put(DATA_SETTING, choice.dataFile());
        read(choice.dataFile())
                .path("defaults")
                .properties()
                .forEach(e -> defaults.put(e.getKey(), e.getValue().asString()));
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE, defaults));
    }

    private static JsonNode read(String location) {
        try (InputStream in = new DefaultResourceLoader().getResource(location).getInputStream()) {
            return JsonMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location, e);
        }
    }
}
