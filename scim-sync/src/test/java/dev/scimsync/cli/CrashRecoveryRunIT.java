package dev.scimsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a zero-setup {@code run} while the demo's changes flow, its embedded PostgreSQL orphaned, then a
 * start on the same data directory: the sync goes on, bounded in time (the real figure is printed).
 */
class CrashRecoveryRunIT {

    private static final Pattern DATABASE_PORT = Pattern.compile("database +jdbc:postgresql://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path dir;

    private Process run;

    @AfterEach
    void stop() throws Exception {
        RestartBench.stopRunAndItsDatabase(run, dir.resolve("data"), Duration.ofSeconds(30));
    }

    @Test
    void shouldApplyNewChangesSoonAfterARestart_WhenTheProcessWasKilledAndItsDatabaseOrphaned() throws Exception {
        Path data = dir.resolve("data");
        run = start(data, dir.resolve("first.txt"));
        int port = databasePort(dir.resolve("first.txt"));
        await("the demo directory synced").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> members(data, port) >= 2_000);

        run.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9: no close of anything
        long orphan = Long.parseLong(Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(0).trim());
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false))
                .as("the embedded PostgreSQL outlived its process").isTrue();

        Instant restarted = Instant.now();
        run = start(data, dir.resolve("second.txt"));
        int secondPort = databasePort(dir.resolve("second.txt"));
        // the demo makes an IdP change every 2 s: one applied after the restart shows the sync is going again
        await("a change applied after the restart").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> lastApplied(data, secondPort).isAfter(restarted));
        Duration took = Duration.between(restarted, Instant.now());
        System.out.printf("after kill -9: first change applied %.1f s after the restart%n", took.toMillis() / 1000.0);
        assertThat(took).as("from the restart to a new change in the database").isLessThan(Duration.ofSeconds(90));
    }

    private Process start(Path data, Path stdout) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.scimSync("run", "--data-dir", data.toString(), "--http-port", "0"));
        builder.environment().keySet().removeIf(name -> name.startsWith("SCIM_SYNC_") || name.startsWith("WORKOS_"));
        builder.redirectOutput(stdout.toFile()).redirectError(dir.resolve(stdout.getFileName() + ".err").toFile());
        return builder.start();
    }

    private int databasePort(Path stdout) {
        String[] port = new String[1];
        await("the start banner").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Matcher m = DATABASE_PORT.matcher(Files.exists(stdout) ? Files.readString(stdout) : "");
            assertThat(run.isAlive()).as("running").isTrue();
            port[0] = m.find() ? m.group(1) : null;
            return port[0] != null;
        });
        return Integer.parseInt(port[0]);
    }

    private static int members(Path data, int port) throws Exception {
        try (Connection c = connect(data, port); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM members WHERE removed_at IS NULL")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Instant lastApplied(Path data, int port) throws Exception {
        try (Connection c = connect(data, port); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT max(last_applied_at) FROM sync_status")) {
            rs.next();
            Timestamp at = rs.getTimestamp(1);
            return at == null ? Instant.EPOCH : at.toInstant();
        }
    }

    private static Connection connect(Path data, int port) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", Files.readString(data.resolve("postgres-password"), StandardCharsets.UTF_8).trim());
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
    }
}
