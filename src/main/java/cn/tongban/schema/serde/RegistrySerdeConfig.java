package cn.tongban.schema.serde;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * The serializers' settings, under Confluent's names so that a deployment can swap in Confluent's
 * serializer by configuration alone. {@code tongban.reader.version} is Tongban's own: it pins a
 * reader to one registered version of the subject.
 */
public final class RegistrySerdeConfig {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    public static final String READER_VERSION = "tongban.reader.version";

    private RegistrySerdeConfig() {}

    static RegistryClient client(Map<String, ?> configs) {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, "the registry's base URL is required");
        }
        String source = string(configs, BASIC_AUTH_CREDENTIALS_SOURCE, "");
        String userInfo = null;
        if (source.equals("USER_INFO")) {
            userInfo = string(configs, BASIC_AUTH_USER_INFO, "");
            if (!userInfo.contains(":")) {
                throw new ConfigException(BASIC_AUTH_USER_INFO, "(hidden)", "must be user:password");
            }
        } else if (!source.isEmpty()) {
            throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, source, "only USER_INFO is supported");
        }
        long ttl = Long.parseLong(string(configs, LATEST_CACHE_TTL_SEC, "60"));
        return new RegistryClient(url.toString().split(",")[0].strip(), userInfo, Duration.ofSeconds(Math.max(ttl, 0)));
    }

    static boolean flag(Map<String, ?> configs, String name, boolean fallback) {
        return Boolean.parseBoolean(string(configs, name, String.valueOf(fallback)));
    }

    static String string(Map<String, ?> configs, String name, String fallback) {
        Object value = configs.get(name);
        return value == null ? fallback : value.toString();
    }
}
