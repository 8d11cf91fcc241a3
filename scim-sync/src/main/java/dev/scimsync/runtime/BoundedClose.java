package dev.scimsync.runtime;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes one part of the process, waiting for it at most a bound. A part stuck on a dependency that is gone
 * (a writer retrying against a database that stopped answering) must not hold up the stop of the rest: it is
 * left behind, and what it had not made durable is read again at the next start (offsets are stored with
 * the writes, the cursor with the events).
 */
final class BoundedClose {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedClose.class);

    private BoundedClose() {
    }

    /** True when {@code part} closed within {@code bound}. */
    static boolean close(AutoCloseable part, Duration bound) {
        String name = part.getClass().getSimpleName();
        Thread closer = new Thread(() -> {
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", name, e.toString());
            }
        }, "scim-sync-stop-" + name);
        closer.setDaemon(true); // one left behind must not keep the JVM alive
        long started = System.nanoTime();
        closer.start();
        try {
            closer.join(bound.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            LOG.warn("{} did not stop within {} s; stopping the rest without it (what it had not written is read "
                    + "again at the next start)", name, bound.toSeconds());
            return false;
        }
        LOG.debug("{} stopped in {} ms", name, (System.nanoTime() - started) / 1_000_000);
        return true;
    }
}
