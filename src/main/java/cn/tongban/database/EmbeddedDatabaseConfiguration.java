package cn.tongban.database;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded default: when no database URL is configured ({@code TONGBAN_DB_URL}), the hub runs
 * a real PostgreSQL 17 of its own with its data under {@code ./data/postgres}, so a fresh machine
 * needs no setup. For production, point the hub at a managed PostgreSQL server.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
@EnableConfigurationProperties(EmbeddedDatabaseConfiguration.EmbeddedProperties.class)
class EmbeddedDatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

    /**
     * @param dataDir where the cluster lives between runs
     * @param port 0 picks a free port
     * @param clean start from an empty cluster (tests)
     * @param connectionTimeout how long a caller waits for a pooled connection before it fails
     */
    @ConfigurationProperties("tongban.database.embedded")
    record EmbeddedProperties(Path dataDir, int port, boolean clean, java.time.Duration connectionTimeout) {
        EmbeddedProperties {
            dataDir = dataDir == null ? Path.of("data", "postgres") : dataDir;
            connectionTimeout = connectionTimeout == null ? java.time.Duration.ofSeconds(30) : connectionTimeout;
        }
    }

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(EmbeddedProperties properties) throws IOException {
        Path dir = properties.dataDir().toAbsolutePath();
        Files.createDirectories(dir);
        OrphanedPostmaster.stopIfAny(dir);
        // Stopped by Spring (destroyMethod) after the routes and the pool, not by a JVM shutdown
        // hook of its own that would race them and cut off in-flight transactions.
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(properties.clean())
                .setRegisterShutdownHook(false)
                // The library turns synchronous commit off; the hub answers "accepted" only for what
                // is durable, so a batch acknowledged just before a crash must survive it (the
                // crash scenario lost two acknowledged batches that way).
                .setServerConfig("synchronous_commit", "on");
        if (properties.port() > 0) {
            builder.setPort(properties.port());
        }
        EmbeddedPostgres postgres = builder.start();
        log.info("embedded PostgreSQL on port {} with data in {}", postgres.getPort(), dir);
        return postgres;
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres postgres, EmbeddedProperties properties) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setConnectionTimeout(properties.connectionTimeout().toMillis());
        dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        dataSource.setUsername("postgres");
        dataSource.setMaximumPoolSize(16);
        dataSource.setPoolName("tongban-embedded");
        // Batched inserts become multi-row inserts: the outbox is written in batches.
        dataSource.addDataSourceProperty("reWriteBatchedInserts", "true");
        return dataSource;
    }
}
