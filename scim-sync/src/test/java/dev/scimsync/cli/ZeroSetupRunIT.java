package dev.scimsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.emulator.EmulatorAdminClient;
import picocli.CommandLine;

/**
 * {@code scim-sync run} in zero-setup mode as an operator starts it: a separate JVM (the runnable jar when it
 * is built), embedded broker, embedded PostgreSQL and the WorkOS emulator with its demo directory. One process
 * serves every claim below; the last one stops it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZeroSetupRunIT {

    private static final Pattern DATABASE_PORT = Pattern.compile("database +jdbc:postgresql://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern WORKOS = Pattern.compile("WorkOS +(http://127\\.0\\.0\\.1:\\d+)");
    private static final Pattern DEMO_DIRECTORY = Pattern.compile("demo +organization \\S+, directory (\\S+) ");

    private Path dataDir;
    private Path stdout;
    private Path stderr;
    private Process run;
    private int databasePort;

    @BeforeAll
    void startRun(@TempDir Path dir) throws Exception {
        dataDir = dir.resolve("data");
        stdout = dir.resolve("stdout.txt");
        stderr = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.scimSync("run", "--data-dir", dataDir.toString(),
                "--http-port", "0"));
        // zero setup: nothing configured, whatever the machine running the tests has set
        builder.environment().keySet().removeIf(name -> name.startsWith("SCIM_SYNC_") || name.startsWith("WORKOS_"));
        builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        run = builder.start();

        await("the start banner").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> read(stdout).contains("scim-sync is running") || !run.isAlive());
        assertThat(run.isAlive()).as("running; its log:%n%s", read(stderr)).isTrue();
        databasePort = Integer.parseInt(find(DATABASE_PORT, read(stdout)));
    }

    @AfterAll
    void stopWhatIsLeft() throws Exception {
        if (dataDir == null) {
            return;
        }
        if (run != null && run.isAlive()) {
            run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        // a killed JVM leaves its embedded PostgreSQL running (it no longer stops it from a shutdown hook)
        Path pid = dataDir.resolve("postgres/postmaster.pid");
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).get(0).trim())).ifPresent(ProcessHandle::destroy);
        }
    }

    @Test
    @Order(1)
    void shouldKeepTheDataDirectoryOwnerOnly_AndTheDatabasePasswordInAnOwnerOnlyFile() throws Exception {
        assertThat(permissions(dataDir)).isEqualTo("rwx------");
        assertThat(permissions(dataDir.resolve("postgres-password"))).isEqualTo("rw-------");
    }

    @Test
    @Order(2)
    void shouldRefuseADatabaseConnectionWithoutThePassword_AndNeverShowThePassword() throws Exception {
        String password = Files.readString(dataDir.resolve("postgres-password"), StandardCharsets.UTF_8).trim();

        assertThatThrownBy(() -> connect(null).close()).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).matches("28.*|08004"));
        try (Connection c = connect(password)) {
            assertThat(c.isValid(2)).isTrue();
        }
        assertThat(read(stdout)).contains("password in " + dataDir.resolve("postgres-password")).doesNotContain(password);
        assertThat(read(stderr)).doesNotContain(password);
    }

    @Test
    @Order(2)
    void shouldGiveTheProcessorOnePartition_WithTheEmbeddedBroker() throws Exception {
        // Kafka Streams keeps a directory per task, one per partition of the events topic
        Path state = dataDir.resolve("stream-processor/scim-sync-processor");
        await("the processor's tasks").atMost(Duration.ofMinutes(1)).until(() -> !tasks(state).isEmpty());
        assertThat(tasks(state)).containsExactly("0_0");
        assertThat(read(stderr) + read(stdout)).contains("SCIM_SYNC_PARTITIONS=1  [default with the embedded broker]");
    }

    @Test
    @Order(3)
    void shouldExitWith4NamingTheDataDirectory_WhenASecondInstanceStartsOnIt() {
        StringWriter err = new StringWriter();
        RunCommand second = new RunCommand();
        second.environment = Map.of("SCIM_SYNC_DATA_DIR", dataDir.toString(), "SCIM_SYNC_HTTP_PORT", "0");
        CommandLine line = new CommandLine(second).setErr(new PrintWriter(err, true))
                .setExecutionExceptionHandler(ScimSyncCommand.commandLine().getExecutionExceptionHandler());

        int exit = line.execute();

        assertThat(exit).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(err.toString()).contains("in use by another scim-sync instance (process " + run.pid() + ")",
                "SCIM_SYNC_DATA_DIR");
    }

    @Test
    @Order(4)
    void shouldExitWith0WithinSecondsLoggingOnlyInfo_WhenSigtermArrivesWhileTheWriterIsBusy() throws Exception {
        String banner = read(stdout);
        int membersBefore = countMembers();
        // a burst of IdP changes on top of the demo's trickle: the writer is mid-load when the signal comes
        new EmulatorAdminClient(find(WORKOS, banner)).seed(find(DEMO_DIRECTORY, banner), 3_000, 0, 1, true);
        await("the writer writing the burst").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> countMembers() > membersBefore);
        int logLinesBefore = read(stderr).split("\n", -1).length - 1;

        long signalled = System.nanoTime();
        run.destroy(); // SIGTERM
        boolean exited = run.waitFor(90, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - signalled);
        System.out.printf("zero-setup run stopped %.2f s after SIGTERM (exit %s)%n", took.toMillis() / 1000.0,
                exited ? run.exitValue() : "none");

        assertThat(exited).as("exited within 90 s").isTrue();
        List<String> stopLog = new ArrayList<>(List.of(read(stderr).split("\n", -1)));
        stopLog = stopLog.subList(Math.min(logLinesBefore, stopLog.size()), stopLog.size());
        assertThat(run.exitValue()).as("exit code; log of the stop:%n%s", String.join("\n", stopLog)).isZero();
        assertThat(took).as("time from SIGTERM to exit").isLessThan(Duration.ofSeconds(15));
        assertThat(stopLog).as("log of the stop").noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ")
                || l.startsWith("\tat ") || l.contains("Exception"));
        assertThat(String.join("\n", stopLog)).contains("scim-sync stopped in");
        assertThat(dataDir.resolve("postgres/postmaster.pid")).as("the embedded PostgreSQL stopped").doesNotExist();
    }

    private Connection connect(String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres", props);
    }

    private int countMembers() throws Exception {
        Path passwordFile = dataDir.resolve("postgres-password");
        String password = Files.exists(passwordFile) ? Files.readString(passwordFile, StandardCharsets.UTF_8).trim() : null;
        try (Connection c = connect(password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM members")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).as("%s in%n%s", pattern, text).isTrue();
        return m.group(1);
    }

    private static List<String> tasks(Path stateDirectory) throws IOException {
        if (!Files.isDirectory(stateDirectory)) {
            return List.of();
        }
        try (var entries = Files.list(stateDirectory)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+_\\d+")).sorted().toList();
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
