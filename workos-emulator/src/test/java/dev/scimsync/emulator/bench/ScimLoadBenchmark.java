package dev.scimsync.emulator.bench;

import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Measures the emulator as a load generator: latency of one keep-alive SCIM change, and
 * sustained SCIM changes per second from 1 and 4 clients, with the server's CPU and memory.
 *
 * <pre>
 * java -cp … dev.scimsync.emulator.bench.ScimLoadBenchmark [--url URL --server-pid PID]
 *      [--persist FILE] [--users 2000] [--seconds 20] [--clients 1,4] [--per-second]
 * </pre>
 * Without {@code --url} the emulator runs in this JVM (then CPU and memory include the clients).
 */
public final class ScimLoadBenchmark {

    private ScimLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String url = option(args, "--url", null);
        String persist = option(args, "--persist", null);
        int users = Integer.parseInt(option(args, "--users", "2000"));
        int seconds = Integer.parseInt(option(args, "--seconds", "20"));
        boolean perSecond = Arrays.asList(args).contains("--per-second");
        List<Integer> clients = Arrays.stream(option(args, "--clients", "1,4").split(",")).map(Integer::parseInt).toList();
        WorkosEmulator emulator = null;
        long pid = ProcessHandle.current().pid();
        if (url == null) {
            EmulatorOptions options = EmulatorOptions.defaults().withRateLimits(false);
            emulator = WorkosEmulator.start(persist == null ? options : options.withPersistFile(Path.of(persist)));
            url = emulator.baseUrl();
        } else {
            pid = Long.parseLong(option(args, "--server-pid", String.valueOf(pid)));
        }
        try {
            ScimLoad load = ScimLoad.prepare(url, users);
            System.out.printf("latency of one change (1 client, keep-alive): %s%n", load.latency(200, 1_000));
            for (int c : clients) {
                ProcessSample before = ProcessSample.of(pid);
                ScimLoad.Throughput result = load.throughput(c, seconds);
                ProcessSample after = ProcessSample.of(pid);
                System.out.printf("%s; server CPU %.0f%% of one core, RSS %,d MiB (peak %,d MiB)%n", result,
                        after.cpuPercentSince(before), after.rssKib() / 1024, after.peakRssKib() / 1024);
                if (perSecond) {
                    System.out.println("  per second: " + Arrays.toString(result.perSecond()));
                }
            }
        } finally {
            if (emulator != null) {
                emulator.close();
            }
        }
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    /** CPU ticks and memory of a process from /proc (Linux). */
    record ProcessSample(long nanos, long cpuTicks, long rssKib, long peakRssKib) {

        private static final double TICKS_PER_SECOND = 100;

        static ProcessSample of(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
            long rss = 0;
            long peak = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    peak = kib(line);
                }
            }
            return new ProcessSample(System.nanoTime(), ticks, rss, peak);
        }

        double cpuPercentSince(ProcessSample earlier) {
            double cpuSeconds = (cpuTicks - earlier.cpuTicks) / TICKS_PER_SECOND;
            return 100 * cpuSeconds / ((nanos - earlier.nanos) / 1e9);
        }

        private static long kib(String line) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
    }
}
