package dev.scimsync.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM ask the running command to stop, instead of starting the JVM's exit. The JVM's
 * exit runs every shutdown hook at once, in no order, and ends with 130 or 143: libraries' hooks (the embedded
 * PostgreSQL's had one) stopped what the writer still needed. Handled here, the command stops its stages in
 * order while the JVM is still whole, and exits 0. A second signal while stopping is only acknowledged: the
 * stop is bounded, and cutting it short could leave the embedded database running without its owner.
 */
final class StopSignals implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final Map<Signal, SignalHandler> previous = new HashMap<>();

    private StopSignals() {
    }

    /** Calls {@code stop} once, on the first signal; {@link #close()} puts the previous handlers back. */
    static StopSignals install(Runnable stop) {
        StopSignals installed = new StopSignals();
        AtomicBoolean received = new AtomicBoolean();
        SignalHandler handler = signal -> {
            if (received.compareAndSet(false, true)) {
                LOG.info("SIG{} received: stopping scim-sync", signal.getName());
                stop.run();
            } else {
                LOG.info("SIG{} received: already stopping", signal.getName());
            }
        };
        for (String name : SIGNALS) {
            try {
                Signal signal = new Signal(name);
                installed.previous.put(signal, Signal.handle(signal, handler));
            } catch (IllegalArgumentException unavailable) {
                // e.g. the JVM runs with -Xrs: the shutdown hook still stops everything, in order, then exits 130/143
                LOG.debug("cannot handle SIG{}: {}", name, unavailable.getMessage());
            }
        }
        return installed;
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
