package dev.scimsync.emulator.persist;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Saves at most once per {@code delayMillis} after changes, on one background thread, so a burst
 * of SCIM calls costs one write; {@link #close()} writes whatever is still pending.
 */
public final class DebouncedSaver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DebouncedSaver.class);

    private final Runnable save;
    private final long delayMillis;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "workos-emulator-persist");
        thread.setDaemon(true);
        return thread;
    });

    public DebouncedSaver(Runnable save, long delayMillis) {
        this.save = save;
        this.delayMillis = delayMillis;
    }

    public void changed() {
        if (pending.compareAndSet(false, true)) {
            scheduler.schedule(this::saveIfPending, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void saveIfPending() {
        if (pending.getAndSet(false)) {
            try {
                save.run();
            } catch (RuntimeException e) {
                // keep serving; the next change or close() tries again
                LOG.error("saving emulator state failed", e);
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pending.set(true);
        saveIfPending();
    }
}
