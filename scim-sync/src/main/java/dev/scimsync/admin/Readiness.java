package dev.scimsync.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Readiness checks run in the background, each on its own thread every {@code interval}, so that
 * {@code /health/ready} answers from the last results at once: a check that blocks (a database that does not
 * answer) holds only its own thread, and counts as failed once it has not answered within {@code timeout}.
 */
final class Readiness implements AutoCloseable {

    /**
     * One check as last seen.
     *
     * @param ageSeconds since its last answer; null before the first
     * @param error      why it is failing (an exception's type, never its message); null when ok
     */
    record Check(boolean ok, Double ageSeconds, String error) {
    }

    private static final long IDLE = Long.MIN_VALUE;

    private record Result(boolean ok, long atNanos, String error) {
    }

    private final Map<String, BooleanSupplier> checks;
    private final Duration interval;
    private final Duration timeout;
    private final Map<String, AtomicReference<Result>> results = new LinkedHashMap<>();
    private final Map<String, AtomicLong> runningSince = new LinkedHashMap<>();
    private final List<ScheduledExecutorService> runners = new ArrayList<>();

    Readiness(Map<String, BooleanSupplier> checks, Duration interval, Duration timeout) {
        this.checks = Map.copyOf(new LinkedHashMap<>(checks));
        this.interval = interval;
        this.timeout = timeout;
        checks.keySet().forEach(name -> {
            results.put(name, new AtomicReference<>());
            runningSince.put(name, new AtomicLong(IDLE));
        });
    }

    /** Starts every check and waits for their first answers, at most {@code timeout}. */
    Readiness start() {
        CountDownLatch first = new CountDownLatch(checks.size());
        results.keySet().forEach(name -> {
            ScheduledExecutorService runner = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "readiness-" + name);
                thread.setDaemon(true);
                return thread;
            });
            runners.add(runner);
            runner.scheduleWithFixedDelay(() -> {
                runOnce(name);
                first.countDown();
            }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        });
        try {
            first.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return this;
    }

    private void runOnce(String name) {
        runningSince.get(name).set(System.nanoTime());
        boolean ok;
        String error = null;
        try {
            ok = checks.get(name).getAsBoolean();
            if (!ok) {
                error = "not answering";
            }
        } catch (RuntimeException e) {
            ok = false;
            error = e.getClass().getSimpleName();
        }
        results.get(name).set(new Result(ok, System.nanoTime(), error));
        runningSince.get(name).set(IDLE);
    }

    /** Every check as last seen; reads no dependency. */
    Map<String, Check> snapshot() {
        long now = System.nanoTime();
        Map<String, Check> snapshot = new LinkedHashMap<>();
        results.forEach((name, result) -> {
            Result last = result.get();
            Double age = last == null ? null : Math.round((now - last.atNanos()) / 1e7) / 100.0;
            long since = runningSince.get(name).get();
            if (since != IDLE && now - since > timeout.toNanos()) {
                snapshot.put(name, new Check(false, age, "no answer within " + timeout.toMillis() + " ms"));
            } else if (last == null) {
                snapshot.put(name, new Check(false, null, "not checked yet"));
            } else {
                snapshot.put(name, new Check(last.ok(), age, last.error()));
            }
        });
        return snapshot;
    }

    @Override
    public void close() {
        runners.forEach(ScheduledExecutorService::shutdownNow);
    }
}
