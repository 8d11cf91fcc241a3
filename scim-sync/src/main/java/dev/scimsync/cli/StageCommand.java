package dev.scimsync.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.runtime.ScimSyncRuntime;
import dev.scimsync.runtime.Stage;
import picocli.CommandLine.Option;

/** Runs some stages until Ctrl-C (or until one fails on its own). */
abstract class StageCommand implements Callable<Integer> {

    @Option(names = "--http-port", description = "admin API port (overrides SCIM_SYNC_HTTP_PORT)")
    Integer httpPort;

    @Option(names = "--data-dir", description = "data directory (overrides SCIM_SYNC_DATA_DIR)")
    String dataDir;

    /** The process environment; tests replace it. */
    Map<String, String> environment = System.getenv();

    abstract Set<Stage> stages();

    /** Called every few seconds while running; the run command prints a live status line. */
    void tick(ScimSyncRuntime runtime, PrintStream out) {
    }

    @Override
    public Integer call() throws InterruptedException {
        ConfigReader reader = ConfigReader.from(environment)
                .with("SCIM_SYNC_HTTP_PORT", httpPort == null ? null : httpPort.toString(), "--http-port")
                .with("SCIM_SYNC_DATA_DIR", dataDir, "--data-dir");
        ScimSyncRuntime runtime = ScimSyncRuntime.start(reader, stages());
        CountDownLatch stopRequested = new CountDownLatch(1);
        AtomicBoolean jvmExiting = new AtomicBoolean();
        // a JVM exit not caused by SIGINT/SIGTERM (e.g. SIGHUP) still stops everything in order
        Thread hook = new Thread(() -> {
            jvmExiting.set(true);
            runtime.close();
        }, "scim-sync-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (StopSignals signals = StopSignals.install(stopRequested::countDown)) {
            runtime.printBanner(System.out);
            while (!stopRequested.await(5, TimeUnit.SECONDS)) {
                // while the hook closes the stages one by one, a stage already closed is not a failure
                Throwable failure = jvmExiting.get() ? null : runtime.failure();
                if (failure != null) {
                    System.err.println("scim-sync: a stage stopped: " + failure.getMessage());
                    runtime.close();
                    return ExitCodes.FAILED;
                }
                if (!jvmExiting.get()) {
                    tick(runtime, System.out);
                }
            }
            runtime.close();
            return ExitCodes.OK;
        } finally {
            removeHook(hook);
        }
    }

    /** False when the JVM is already shutting down: then the hook closes everything. */
    private static boolean removeHook(Thread hook) {
        try {
            return Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            return false;
        }
    }
}
