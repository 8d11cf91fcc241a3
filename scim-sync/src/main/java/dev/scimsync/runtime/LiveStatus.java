package dev.scimsync.runtime;

import java.sql.SQLException;

import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.poller.PollerMetrics;
import dev.scimsync.writer.query.OrganizationQueries;
import dev.scimsync.writer.query.OrganizationSummary;
import io.micrometer.core.instrument.Timer;

/** The one-line live status of {@code scim-sync run}: events/s, sync lag, what the database holds. */
public final class LiveStatus {

    private final ScimSyncRuntime runtime;
    private double lastPublished;
    private long lastNanos = System.nanoTime();

    public LiveStatus(ScimSyncRuntime runtime) {
        this.runtime = runtime;
        this.lastPublished = published();
    }

    public String line() {
        long now = System.nanoTime();
        double published = published();
        double rate = (published - lastPublished) / ((now - lastNanos) / 1e9);
        lastPublished = published;
        lastNanos = now;
        Timer lag = runtime.registry().find(MetricNames.SYNC_LAG).timer();
        String lagText = lag == null || lag.count() == 0 ? "-" : String.format("%.2fs max", lag.max(
                java.util.concurrent.TimeUnit.MILLISECONDS) / 1000.0);
        long members = 0;
        long groups = 0;
        long memberships = 0;
        int organizations = 0;
        if (runtime.database() != null) {
            try {
                for (OrganizationSummary org : new OrganizationQueries(runtime.database().dataSource()).list()) {
                    organizations++;
                    members += org.members();
                    groups += org.groups();
                    memberships += org.memberships();
                }
            } catch (SQLException e) {
                return "status: database unavailable (" + e.getMessage() + ")";
            }
        }
        return String.format("events %.1f/s | sync lag %s | db: %d orgs, %d members, %d groups, %d memberships",
                rate, lagText, organizations, members, groups, memberships);
    }

    private double published() {
        return PollerMetrics.publishedTotal(runtime.registry());
    }
}
