package dev.scimsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.admin.AdminToken;

import picocli.CommandLine;

class ScimSyncCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldListEveryConfigurationProblemAndExitWith2_BeforeStartingAnything() {
        RunCommand run = new RunCommand();
        run.environment = Map.of(
                "SCIM_SYNC_HTTP_PORT", "abc",
                "SCIM_SYNC_POLL_INTERVAL", "soon",
                "SCIM_SYNC_WRITER_BATCH_SIZE", "0",
                "WORKOS_API_KEY", "sk_live_must_not_be_printed");
        CommandLine line = ScimSyncCommand.commandLine();
        CommandLine runLine = new CommandLine(run);
        runLine.setErr(new PrintWriter(err)).setExecutionExceptionHandler(line.getExecutionExceptionHandler());

        int exit = runLine.execute();

        assertThat(exit).isEqualTo(ExitCodes.BAD_CONFIGURATION);
        assertThat(err.toString())
                .contains("SCIM_SYNC_HTTP_PORT: expected a whole number, got 'abc'")
                .contains("SCIM_SYNC_POLL_INTERVAL: expected an ISO-8601 duration")
                .contains("SCIM_SYNC_WRITER_BATCH_SIZE: expected a number from 1 to 100000, got 0")
                .doesNotContain("sk_live_must_not_be_printed");
    }

    @Test
    void shouldListEveryProblemOnce_IncludingSettingsReadAfterTheProcessorsAndOnesClientsUsedToFindLate() {
        RunCommand run = new RunCommand();
        run.environment = Map.of(
                "SCIM_SYNC_PROCESSOR_THREADS", "many",
                // read after the processor's settings, which used to stop at their own problems
                "SCIM_SYNC_VERIFY_TIMEOUT", "soon",
                "SCIM_SYNC_RESYNC_MAX_REMOVAL_PERCENT", "500",
                // checked only by the clients, after the broker and the database had started
                "SCIM_SYNC_DB_URL", "mysql://db/app?password=hunter2",
                "SCIM_SYNC_KAFKA_BOOTSTRAP", "kafka-1",
                "SCIM_SYNC_TOPIC_PREFIX", "orgs/sync");

        int exit = execute(run);

        assertThat(exit).isEqualTo(ExitCodes.BAD_CONFIGURATION);
        assertThat(err.toString())
                .contains("SCIM_SYNC_PROCESSOR_THREADS: expected a whole number, got 'many'")
                .contains("SCIM_SYNC_VERIFY_TIMEOUT: expected an ISO-8601 duration")
                .contains("SCIM_SYNC_RESYNC_MAX_REMOVAL_PERCENT: expected a number from 0 to 100, got 500")
                .contains("SCIM_SYNC_DB_URL: expected a PostgreSQL JDBC URL")
                .contains("SCIM_SYNC_KAFKA_BOOTSTRAP: expected host:port")
                .contains("SCIM_SYNC_TOPIC_PREFIX: expected up to 200 of the characters")
                .doesNotContain("hunter2");
        // read by the runtime, the poller, the writer and the processor alike: listed once
        assertThat(err.toString().split("SCIM_SYNC_TOPIC_PREFIX:", -1)).hasSize(2);
    }

    @Test
    void shouldExitWith4BeforeStartingAnything_WhenTheAdminPortIsInUse(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("data");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RunCommand run = new RunCommand();
            run.environment = Map.of(
                    "SCIM_SYNC_HTTP_PORT", Integer.toString(taken.getLocalPort()),
                    "SCIM_SYNC_DATA_DIR", dataDir.toString(),
                    // nothing answers at these: were they asked first, the start would take their full deadline
                    "SCIM_SYNC_KAFKA_BOOTSTRAP", "127.0.0.1:1",
                    "SCIM_SYNC_DB_URL", "jdbc:postgresql://127.0.0.1:1/app",
                    "WORKOS_API_KEY", "sk_test_unused",
                    "WORKOS_API_BASE_URL", "http://127.0.0.1:1");

            long started = System.nanoTime();
            int exit = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> execute(run));

            assertThat(exit).isEqualTo(ExitCodes.INFRASTRUCTURE);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            assertThat(err.toString()).contains("127.0.0.1:" + taken.getLocalPort(), "SCIM_SYNC_HTTP_PORT")
                    .doesNotContain("\tat ");
            assertThat(dataDir).doesNotExist();
        }
    }

    @Test
    void shouldExitWith4NamingTheDataDirectory_WhenAnotherInstanceHoldsIt(@TempDir Path dir) throws Exception {
        Path dataDir = Files.createDirectories(dir.resolve("data"));
        try (FileChannel channel = FileChannel.open(dataDir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = channel.lock()) {
            RunCommand run = new RunCommand();
            run.environment = Map.of("SCIM_SYNC_HTTP_PORT", "0", "SCIM_SYNC_DATA_DIR", dataDir.toString());

            int exit = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> execute(run));

            assertThat(exit).isEqualTo(ExitCodes.INFRASTRUCTURE);
            assertThat(err.toString()).contains("in use by another scim-sync instance", "SCIM_SYNC_DATA_DIR")
                    .doesNotContain("\tat ");
            assertThat(dataDir.resolve("kafka")).doesNotExist();
            assertThat(dataDir.resolve("postgres")).doesNotExist();
        }
    }

    private int execute(StageCommand command) {
        CommandLine line = new CommandLine(command);
        line.setErr(new PrintWriter(err, true))
                .setExecutionExceptionHandler(ScimSyncCommand.commandLine().getExecutionExceptionHandler());
        return line.execute();
    }

    @Test
    void shouldExitWith3_WhenTheAdminApiCannotBeReached(@TempDir Path dataDir) {
        AdminToken.resolve(null, dataDir); // as a zero-setup run leaves it
        CommandLine line = ScimSyncCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        int exit = line.execute("status", "--url", "http://127.0.0.1:1", "--data-dir", dataDir.toString());

        assertThat(exit).isEqualTo(ExitCodes.ADMIN_API_UNAVAILABLE);
        assertThat(err.toString()).contains("cannot reach the admin API at http://127.0.0.1:1");
    }

    @Test
    void shouldDescribeEveryCommandAndTheExitCodes_InHelp() {
        CommandLine line = ScimSyncCommand.commandLine().setOut(new PrintWriter(out));

        int exit = line.execute("--help");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("run", "poller", "processor", "writer", "status", "emulator",
                "Exit codes:", "2   bad command line or configuration",
                "4   Kafka, the database, the data directory or the admin port is not usable");
    }
}
