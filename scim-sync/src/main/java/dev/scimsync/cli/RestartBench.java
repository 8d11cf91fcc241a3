package dev.scimsync.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.scimsync.emulator.EmulatorAdminClient;

/**
 * {@code bench --restart N}: how soon a zero-setup {@code run} syncs again after it stops, as an operator sees it. A
 * {@code run} in a JVM of its own syncs the demo directory; then, N times each, it is stopped cleanly (SIGTERM) or
 * killed ({@code kill -9}, its embedded PostgreSQL left running), and started again on the same data directory. As
 * soon as the new process prints its start banner, one user is created in the directory through the emulator; the
 * clock runs from the new process's start until that user is in the database.
 */
final class RestartBench {

    private static final Pattern DATABASE_PORT = Pattern.compile("database +jdbc:postgresql://127\\.0\\.0\\.1:(\\d+)/");
    private static final Pattern WORKOS = Pattern.compile("WorkOS +(http://127\\.0\\.0\\.1:\\d+)");
    private static final Pattern DEMO_DIRECTORY = Pattern.compile("demo +organization \\S+, directory (\\S+) ");
    private static final String BANNER = "scim-sync is running";
    private static final String DIRECTORY_MEMBERS = "SELECT count(*) FROM members WHERE source = 'directory'";
    /** The demo directory's users: synced once they are all in the database. */
    private static final int DEMO_USERS = 2_000;

    private final int restarts;
    private final Duration timeout;
    private final BenchResults results;
    private final PrintWriter out;
    private Path dir;
    private Path data;
    private Process run;
    private int starts;

    RestartBench(int restarts, Duration timeout, BenchResults results, PrintWriter out) {
        this.restarts = restarts;
        this.timeout = timeout;
        this.results = results;
        this.out = out;
    }

    void run() throws Exception {
        dir = Files.createTempDirectory("scim-sync-restart-bench");
        data = dir.resolve("data");
        boolean measured = false;
        try {
            Banner first = start();
            try (Connection db = connect(first)) {
                awaitCount(db, DEMO_USERS);
            }
            note("zero-setup run synced the demo directory; %d clean restarts, then %d after kill -9", restarts,
                    restarts);
            for (String kind : List.of("clean", "kill")) {
                List<Double> took = new ArrayList<>();
                for (int i = 1; i <= restarts; i++) {
                    Thread.sleep(3_000); // the demo's changes flow meanwhile
                    stop(kind.equals("kill"));
                    long started = System.nanoTime();
                    Banner banner = start();
                    double bannerAt = seconds(started);
                    double inDatabase;
                    try (Connection db = connect(banner)) { // one connection: a new one per poll costs CPU to measure
                        long before = count(db);
                        new EmulatorAdminClient(banner.workos()).seed(banner.directoryId(), 1, 0, 0, true);
                        awaitCount(db, before + 1);
                        inDatabase = seconds(started);
                    }
                    took.add(inDatabase);
                    results.seconds("restart", kind + "_" + i + "_banner", (kind.equals("kill") ? "kill -9" : "SIGTERM")
                            + " and start " + i + ": start banner", bannerAt);
                    results.seconds("restart", kind + "_" + i, "  a user made at the banner in the database", inDatabase);
                }
                Collections.sort(took);
                results.seconds("restart", kind + "_median", (kind.equals("kill") ? "kill -9" : "clean stop")
                        + " and start, median of " + restarts, took.get(took.size() / 2));
            }
            measured = true;
        } finally {
            stopForGood();
            if (measured) {
                BenchCommand.deleteRecursively(dir);
            } else {
                note("the runs' logs are kept in %s", dir);
            }
        }
    }

    /** Starts {@code run} on the data directory; returns once its start banner is printed. */
    private Banner start() throws Exception {
        starts++;
        Path stdout = dir.resolve("run-" + starts + ".out");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ScimSyncCommand.class.getName(), "run",
                "--data-dir", data.toString(), "--http-port", "0"));
        ProcessBuilder builder = new ProcessBuilder(command);
        // zero setup, whatever this shell has configured
        builder.environment().keySet().removeIf(name -> name.startsWith("SCIM_SYNC_") || name.startsWith("WORKOS_"));
        builder.redirectOutput(stdout.toFile()).redirectError(dir.resolve("run-" + starts + ".err").toFile());
        run = builder.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = Files.readString(stdout, StandardCharsets.UTF_8);
            if (text.contains(BANNER)) {
                Matcher port = DATABASE_PORT.matcher(text);
                Matcher workos = WORKOS.matcher(text);
                Matcher demo = DEMO_DIRECTORY.matcher(text);
                if (port.find() && workos.find() && demo.find()) { // else: the banner is still being written
                    return new Banner(Integer.parseInt(port.group(1)), workos.group(1), demo.group(1));
                }
            }
            if (!run.isAlive()) {
                throw new IllegalStateException("run exited with " + run.exitValue() + " before its banner; its log: "
                        + dir.resolve("run-" + starts + ".err"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no start banner within " + timeout);
            }
            Thread.sleep(10);
        }
    }

    private void stop(boolean kill) throws InterruptedException {
        if (kill) {
            run.destroyForcibly();
        } else {
            run.destroy();
        }
        if (!run.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("run did not stop within 60 s");
        }
    }

    /** Stops the last run, and a PostgreSQL a killed one may have left running. */
    private void stopForGood() throws IOException, InterruptedException {
        stopRunAndItsDatabase(run, data, Duration.ofSeconds(60));
    }

    /**
     * Stops a zero-setup {@code run} (SIGTERM, then SIGKILL after {@code grace}) if it is still alive, and the embedded
     * PostgreSQL of its data directory, which a {@code run} killed earlier leaves running.
     */
    static void stopRunAndItsDatabase(Process run, Path dataDir, Duration grace)
            throws IOException, InterruptedException {
        if (run != null && run.isAlive()) {
            run.destroy();
            if (!run.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        Path pid = dataDir.resolve("postgres/postmaster.pid");
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).get(0).trim())).ifPresent(ProcessHandle::destroy);
        }
    }

    private void awaitCount(Connection db, long atLeast) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(db) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the database did not reach " + atLeast + " directory members within "
                        + timeout);
            }
            Thread.sleep(20);
        }
    }

    private Connection connect(Banner banner) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", Files.readString(data.resolve("postgres-password"), StandardCharsets.UTF_8).trim());
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + banner.databasePort() + "/postgres", props);
    }

    private static long count(Connection db) throws Exception {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(DIRECTORY_MEMBERS)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /** What a start banner tells: the embedded database's port, the emulator's address, the demo directory. */
    private record Banner(int databasePort, String workos, String directoryId) {
    }

    private void note(String format, Object... args) {
        out.printf(Locale.ROOT, format + "%n", args);
        out.flush();
    }
}
