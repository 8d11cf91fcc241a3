package dev.scimsync.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;

import dev.scimsync.provisioning.ProvisioningService;
import dev.scimsync.provisioning.ProvisioningSwitch;
import dev.scimsync.runtime.ScimSyncRuntime;

/**
 * {@code bench --provisioning}: the switch of a large organization from manual provisioning to SCIM, timed against
 * WorkOS's floor for listing its users (100 a page at 4 requests/s per directory). The seeded organization is first
 * switched to manual (its directory members become manual members, so the database has no directory row of them:
 * the switch back upserts every scanned user, the heavier case), then 1% of the manual emails are upper-cased and
 * 0.5% manual members the directory lacks added: the switch links all the others and removes those.
 */
final class ProvisioningBench {

    private static final double USER_REQUESTS_PER_SECOND = 4;
    private static final int USERS_PER_PAGE = 100;

    private final ScimSyncRuntime runtime;
    private final String organizationId;
    private final int users;
    private final Duration timeout;
    private final BenchResults results;

    ProvisioningBench(ScimSyncRuntime runtime, String organizationId, int users, Duration timeout,
                      BenchResults results) {
        this.runtime = runtime;
        this.organizationId = organizationId;
        this.users = users;
        this.timeout = timeout;
        this.results = results;
    }

    void run() throws Exception {
        ProvisioningService service = runtime.provisioning();
        long started = System.nanoTime();
        ProvisioningSwitch toManual = service.start(organizationId, "manual", false, false);
        double manualSeconds = seconds(started);
        require(toManual, "applied");

        int unmatched = Math.max(1, users / 200);
        execute("UPDATE members SET email = upper(email) WHERE organization_id = ? AND source = 'manual' "
                + "AND id % 100 = 0");
        execute("INSERT INTO members (organization_id, source, email, created_at, updated_at) SELECT ?, 'manual', "
                + "'nobody-' || n || '@bench.invalid', now(), now() FROM generate_series(1, " + unmatched + ") n");

        started = System.nanoTime();
        ProvisioningSwitch preview = await(service, service.start(organizationId, "scim", true, false));
        double dryRun = seconds(started);
        require(preview, "previewed");
        started = System.nanoTime();
        ProvisioningSwitch applied = await(service, service.start(organizationId, "scim", false, false));
        double switched = seconds(started);
        require(applied, "applied");

        double floor = (Math.ceil(users / (double) USERS_PER_PAGE) - 1) / USER_REQUESTS_PER_SECOND;
        String kind = "provisioning";
        results.seconds(kind, "switch_to_manual", "switch to manual (" + users + " directory members become manual)",
                manualSeconds);
        results.count(kind, "manual_members", "manual members before the switch to scim", applied.counts().manual());
        results.count(kind, "linked", "  linked (1% differing by case)", applied.counts().linked());
        results.count(kind, "removed", "  removed (no directory user)", applied.counts().removed());
        results.seconds(kind, "dry_run", "switch to scim, dry run: scan WorkOS + plan", dryRun);
        results.seconds(kind, "switch", "switch to scim, applied: scan + plan + one transaction", switched);
        results.seconds(kind, "transaction_estimate", "  applied minus dry run (the transaction, roughly)",
                switched - dryRun);
        results.seconds(kind, "workos_floor", "WorkOS floor: listing the users at 4 req/s", floor);
        results.ratio(kind, "switch_over_workos_floor", "switch / WorkOS floor", switched / floor);
    }

    private ProvisioningSwitch await(ProvisioningService service, ProvisioningSwitch started) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        ProvisioningSwitch current = started;
        while (!current.finished()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("switch " + started.switchId() + " did not end within " + timeout);
            }
            Thread.sleep(50);
            current = service.latest(organizationId).orElseThrow();
        }
        return current;
    }

    private static void require(ProvisioningSwitch done, String state) {
        if (!done.state().equals(state)) {
            throw new IllegalStateException("switch " + done.switchId() + " ended " + done.state() + ", not " + state
                    + ": " + done.note() + " " + done.error());
        }
    }

    private void execute(String sql) throws Exception {
        try (Connection c = runtime.database().dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, organizationId);
            ps.executeUpdate();
        }
    }

    private static double seconds(long sinceNanos) {
        return Duration.ofNanos(System.nanoTime() - sinceNanos).toMillis() / 1000.0;
    }
}
