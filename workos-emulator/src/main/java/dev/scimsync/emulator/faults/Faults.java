package dev.scimsync.emulator.faults;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/** The current fault settings; switched at runtime through the admin API. */
public final class Faults {

    private final FaultSettings defaults;
    private final AtomicReference<FaultSettings> current;

    public Faults(boolean rateLimitsByDefault) {
        this.defaults = FaultSettings.none(rateLimitsByDefault);
        this.current = new AtomicReference<>(defaults);
    }

    public FaultSettings current() {
        return current.get();
    }

    public FaultSettings defaults() {
        return defaults;
    }

    public void set(FaultSettings settings) {
        current.set(settings);
    }

    public void clear() {
        current.set(defaults);
    }

    /** Waits the configured latency; an interrupt ends the wait early and is kept. */
    public void applyLatency() {
        long latency = current().latencyMs();
        if (latency > 0) {
            try {
                Thread.sleep(latency);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return the error status to answer with, or 0 to serve the request normally */
    public int injectedErrorStatus() {
        FaultSettings settings = current();
        return chance(settings.errorRate()) ? settings.status() : 0;
    }

    static boolean chance(double rate) {
        return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
    }
}
