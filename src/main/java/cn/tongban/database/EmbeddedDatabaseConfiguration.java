package cn.tongban.database;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayDataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The embedded default: when no database URL is configured ({@code TONGBAN_DB_URL}), the hub runs
 * a real PostgreSQL 17 of its own with its data under {@code ./data/postgres}, so a fresh machine
 * needs no setup. As in production, the superuser only migrates; the hub runs as a role that owns
 * no table and so cannot switch the ledger's triggers off. For production, point the hub at a
 * managed PostgreSQL server.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
@EnableConfigurationProperties(EmbeddedDatabaseConfiguration.EmbeddedProperties.class)
class EmbeddedDatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

    static final String OWNER = "postgres";
    static final String APPLICATION_ROLE = "tongban_app";

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
                // crash scenario lost two acknowledged batches that way). fsync and full-page writes
                // are named too, so no library default can leave an acknowledged batch in the page cache.
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setServerConfig("full_page_writes", "on");
        if (properties.port() > 0) {
            builder.setPort(properties.port());
        }
        EmbeddedPostgres postgres = builder.start();
        createApplicationRole(postgres);
        log.info("embedded PostgreSQL on port {} with data in {}", postgres.getPort(), dir);
        return postgres;
    }

    /**
     * The superuser migrates (Flyway) and owns every table; nothing else uses it. Flyway's own
     * pool, closed with the context.
     */
    @Bean(destroyMethod = "close")
    @FlywayDataSource
    HikariDataSource ownerDataSource(EmbeddedPostgres postgres, EmbeddedProperties properties) {
        HikariDataSource owner = pool(postgres, OWNER, properties);
        owner.setMaximumPoolSize(2);
        owner.setMinimumIdle(0);
        owner.setPoolName("tongban-embedded-owner");
        return owner;
    }

    /** The hub itself connects as {@value #APPLICATION_ROLE}, which owns no table (V11). */
    @Bean(destroyMethod = "close")
    @Primary
    HikariDataSource dataSource(EmbeddedPostgres postgres, EmbeddedProperties properties) {
        HikariDataSource dataSource = pool(postgres, APPLICATION_ROLE, properties);
        dataSource.setMaximumPoolSize(16);
        dataSource.setPoolName("tongban-embedded");
        return dataSource;
    }

    private static HikariDataSource pool(EmbeddedPostgres postgres, String user, EmbeddedProperties properties) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setConnectionTimeout(properties.connectionTimeout().toMillis());
        dataSource.setJdbcUrl(postgres.getJdbcUrl(user, "postgres"));
        dataSource.setUsername(user);
        // Batched inserts become multi-row inserts: the outbox is written in batches.
        dataSource.addDataSourceProperty("reWriteBatchedInserts", "true");
        return dataSource;
    }

    /**
     * The role must exist and may log in before Flyway runs; its grants come with the migrations
     * (V5, V11), so a server migrated elsewhere gets the same. The embedded cluster trusts local
     * connections, as the library sets it up; it listens on localhost only.
     */
    private static void createApplicationRole(EmbeddedPostgres postgres) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("""
                    do $$
                    begin
                        if not exists (select 1 from pg_roles where rolname = '%1$s') then
                            create role %1$s login;
                        else
                            alter role %1$s login nosuperuser nocreaterole nocreatedb;
                        end if;
                    end;
                    $$""".formatted(APPLICATION_ROLE));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the application role in the embedded database", e);
        }
    }
}
