package dev.scimsync.writer;

import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.Driver;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.scimsync.writer.access.AccessRecompute;

/**
 * The organization database: a HikariCP pool and the Flyway migrations in {@code classpath:db/migration}.
 * Migrations run in the JDBC URL's {@code currentSchema} when it names one (Flyway creates it if needed),
 * else in the user's default schema.
 */
public final class Database implements AutoCloseable {

    public static final String MIGRATIONS = "classpath:db/migration";

    private final HikariDataSource dataSource;
    private final String schema;

    private Database(HikariDataSource dataSource, String schema) {
        this.dataSource = dataSource;
        this.schema = schema;
    }

    /** A pool of {@code poolSize} connections; does not migrate. */
    public static Database connect(String jdbcUrl, String user, String password, int poolSize) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("the state-writer supports PostgreSQL only; got a URL that is not "
                    + "jdbc:postgresql:…");
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("scim-sync-writer");
        hikari.setJdbcUrl(jdbcUrl);
        hikari.setUsername(user);
        if (password != null && !password.isEmpty()) {
            hikari.setPassword(password);
        }
        hikari.setMaximumPoolSize(poolSize);
        hikari.setMinimumIdle(1);
        hikari.setAutoCommit(true);
        hikari.setConnectionTimeout(10_000);
        hikari.setInitializationFailTimeout(-1); // start even if the database comes up later; writes retry
        return new Database(new HikariDataSource(hikari), currentSchemaOf(jdbcUrl));
    }

    public static Database connect(WriterConfig config) {
        if (config.dbUrl() == null) {
            throw new IllegalStateException("no database URL: set SCIM_SYNC_DB_URL or start the embedded database "
                    + "and pass its URL with WriterConfig.withDatabase");
        }
        return connect(config.dbUrl(), config.dbUser(), config.dbPassword(), config.poolSize());
    }

    /** Applies pending migrations. */
    public MigrateResult migrate() {
        return migrate(dataSource, schema);
    }

    /** Applies pending migrations to any data source, in {@code schema} (null = the connection's default). */
    public static MigrateResult migrate(DataSource dataSource, String schema) {
        var configuration = Flyway.configure()
                .dataSource(dataSource)
                .locations(MIGRATIONS)
                .failOnMissingLocations(true);
        if (schema != null) {
            configuration = configuration.schemas(schema).defaultSchema(schema);
        }
        MigrateResult result = configuration.load().migrate();
        backfillAccess(dataSource, schema);
        return result;
    }

    /**
     * Members without a member_access row (stored before access existed) get theirs, from the rules of this version
     * (cause {@code backfill}); a no-op otherwise. Here rather than in a migration: a released migration must not
     * run whatever SQL a later version's rules need.
     */
    private static void backfillAccess(DataSource dataSource, String schema) {
        try (java.sql.Connection connection = dataSource.getConnection()) {
            // the schema for this transaction only (SET LOCAL): a pooled connection's own search path, which the
            // pool would otherwise reset to its default (not the URL's currentSchema), stays as it was
            connection.setAutoCommit(false);
            if (schema != null) {
                try (java.sql.PreparedStatement ps = connection.prepareStatement(
                        "SELECT set_config('search_path', quote_ident(?), true)")) {
                    ps.setString(1, schema);
                    ps.executeQuery().close();
                }
            }
            int members = AccessRecompute.backfill(connection);
            connection.commit();
            if (members > 0) {
                org.slf4j.LoggerFactory.getLogger(Database.class).info("computed the access of {} members stored "
                        + "before access existed", members);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("computing the access of members stored before access existed failed: "
                    + e.getMessage(), e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The schema the URL names, or null. */
    public String schema() {
        return schema;
    }

    static String currentSchemaOf(String jdbcUrl) {
        Properties properties = Driver.parseURL(jdbcUrl, new Properties());
        String schema = properties == null ? null : properties.getProperty("currentSchema");
        if (schema == null || schema.isBlank() || schema.contains(",")) {
            return null; // a search path of several schemas: leave it to the connection's default
        }
        return schema.trim();
    }

    /** Checks that the database answers. */
    public void ping() throws SQLException {
        try (var connection = dataSource.getConnection()) {
            if (!connection.isValid(5)) {
                throw new SQLException("database connection is not valid", "08006");
            }
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
