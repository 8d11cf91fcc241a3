package dev.scimsync.provisioning;

import java.time.Duration;

import dev.scimsync.core.metrics.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;

/** Provisioning switches by mode and result, the members they linked, created and removed, and how long they took. */
final class ProvisioningMetrics {

    private final MeterRegistry registry;

    ProvisioningMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void finished(ProvisioningSwitch done) {
        registry.counter(MetricNames.PROVISIONING_SWITCHES, MetricNames.TAG_MODE, done.mode(), MetricNames.TAG_RESULT,
                done.state()).increment();
        if (done.finishedAt() != null) {
            registry.timer(MetricNames.PROVISIONING_DURATION, MetricNames.TAG_MODE, done.mode())
                    .record(Duration.between(done.startedAt(), done.finishedAt()));
        }
        if (done.state().equals("applied") && done.mode().equals("scim")) {
            count("linked", done.counts().linked());
            count("created", done.counts().created());
            count("removed", done.counts().removed());
            count("ambiguous", done.counts().ambiguous());
        }
    }

    private void count(String operation, long members) {
        registry.counter(MetricNames.PROVISIONING_MEMBERS, MetricNames.TAG_OPERATION, operation).increment(members);
    }
}
