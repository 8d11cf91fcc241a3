package dev.scimsync.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.scimsync.embedded.EmbeddedDatabase;

/**
 * One real PostgreSQL for all the integration tests of a module run: the server named by
 * {@code SCIM_SYNC_TEST_DB_URL} (user {@code SCIM_SYNC_TEST_DB_USER}, default postgres; password
 * {@code SCIM_SYNC_TEST_DB_PASSWORD}) when set — CI points it at the machine's PostgreSQL — otherwise an
 * embedded PostgreSQL started once. Tests keep apart with {@link #newSchema()}.
 */
public final class SharedPostgres implements BeforeAllCallback {

    public static final String URL_VARIABLE = "SCIM_SYNC_TEST_DB_URL";

    private static volatile String baseUrl;
    private static volatile String user;
    private static volatile String password;

    @Override
    public void beforeAll(ExtensionContext context) {
        ensureStarted(context);
    }

    private static synchronized void ensureStarted(ExtensionContext context) {
        if (baseUrl != null) {
            return;
        }
        String configured = System.getenv(URL_VARIABLE);
        if (configured != null && !configured.isBlank()) {
            baseUrl = configured;
            user = envOr("SCIM_SYNC_TEST_DB_USER", "postgres");
            password = envOr("SCIM_SYNC_TEST_DB_PASSWORD", "");
            return;
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("scim-sync-test-pg");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("data"), 0);
        // the database no longer stops itself when the JVM exits (the runtime orders its stop): a test JVM that
        // exits without closing the root context must not leave the server running
        Runtime.getRuntime().addShutdownHook(new Thread(database::close, "shared-postgres-stop"));
        baseUrl = "jdbc:postgresql://127.0.0.1:" + database.port() + "/postgres";
        user = database.user();
        password = database.password();
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .put(SharedPostgres.class.getName(), (AutoCloseable) () -> {
                    database.close();
                    TempDirs.deleteQuietly(dir);
                });
    }

    /** Creates a schema no other test uses and returns its name. */
    public static String newSchema() {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection connection = connect(baseUrl()); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test schema " + schema + " at " + baseUrl(), e);
        }
        return schema;
    }

    /** A JDBC URL whose default schema ({@code currentSchema}) is {@code schema}. */
    public static String jdbcUrl(String schema) {
        String url = baseUrl();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    public static String baseUrl() {
        if (baseUrl == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(SharedPostgres.class)");
        }
        return baseUrl;
    }

    public static String user() {
        return user;
    }

    public static String password() {
        return password;
    }

    /** A new connection to {@code url} as the shared user. */
    public static Connection connect(String url) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null && !password.isEmpty()) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(url, props);
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
