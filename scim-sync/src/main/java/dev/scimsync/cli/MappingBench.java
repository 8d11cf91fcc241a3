package dev.scimsync.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.model.DirectorySnapshot;
import dev.scimsync.runtime.ScimSyncRuntime;
import dev.scimsync.writer.access.AccessRecompute;
import dev.scimsync.writer.access.GroupMappingService;
import dev.scimsync.writer.access.GroupMappingSet;
import dev.scimsync.writer.access.GroupSync;

/**
 * {@code bench --mappings}: (1) a group sync that moves every member of the seeded organization to another seat
 * tier (its default tier changed, advanced mappings off), timed until all access rows and their audit rows are
 * committed, against one plain SQL {@code UPDATE} of the same rows in the same run; (2) the lag of membership changes
 * flowing at each rate, with advanced mappings off and then with every group mapped: access commits in the
 * transaction of the membership change, so the writer's sync lag of those events is the access lag; afterwards no
 * member's access may differ from the rules.
 */
final class MappingBench {

    private final ScimSyncRuntime runtime;
    private final EmulatorAdminClient admin;
    private final CreatedDirectory directory;
    private final BenchResults results;
    private final GroupMappingService mappings;
    private final DataSource db;

    MappingBench(ScimSyncRuntime runtime, EmulatorAdminClient admin, CreatedDirectory directory, BenchResults results) {
        this.runtime = runtime;
        this.admin = admin;
        this.directory = directory;
        this.results = results;
        this.db = runtime.database().dataSource();
        this.mappings = new GroupMappingService(db, 100, Integer.MAX_VALUE, Clock.systemUTC());
    }

    void run(LagBench lag, List<Integer> rates, Duration duration) throws Exception {
        String org = directory.organizationId();
        GroupMappingSet standard = defaultsOnly("standard");
        mappings.replace(org, standard, false, true); // the starting point: everyone standard

        long started = System.nanoTime();
        GroupSync preview = mappings.replace(org, defaultsOnly("premium"), true, false);
        double previewed = seconds(started);
        started = System.nanoTime();
        GroupSync applied = mappings.replace(org, defaultsOnly("premium"), false, true);
        double groupSync = seconds(started);
        long moved = applied.changes().seatTierChanges();
        double update = plainUpdate(org); // moves the same rows back to standard, in one statement
        String kind = "mapping-change";
        results.count(kind, "members_moved", "group sync moving every member to another seat tier: members moved", moved);
        results.seconds(kind, "preview", "  dry run (preview with counts per tier)", previewed);
        results.seconds(kind, "group_sync", "  group sync: recompute, write access and audit rows, commit", groupSync);
        results.rate(kind, "members_per_second", "  members per second", moved / groupSync, "members/s");
        results.seconds(kind, "plain_update", "one SQL UPDATE of the same rows' seat tier", update);
        results.ratio(kind, "group_sync_over_update", "group sync / UPDATE", groupSync / update);
        if (preview.changes().members() != moved) {
            throw new IllegalStateException("the preview counted " + preview.changes().members()
                    + " members, the group sync moved " + moved);
        }

        // membership changes: first with advanced mappings off (access recomputed, never changed), then with every
        // group mapped (most changes change a member's access and write an audit row), in the same run
        DirectorySnapshot snapshot = admin.snapshot(directory.id());
        List<String> groups = snapshot.groups().stream().map(DirectorySnapshot.Group::id).sorted().toList();
        Set<String> present = ConcurrentHashMap.newKeySet();
        snapshot.memberships().forEach(m -> present.add(m.groupId() + "/" + m.userId()));
        List<String> users = lag.userIds;
        AtomicLong next = new AtomicLong();
        for (int rate : rates) {
            for (boolean mapped : List.of(false, true)) {
                mappings.replace(org, mapped ? allGroupsMapped(groups) : standard, false, true);
                long offset = next.get();
                LagBench.Measured measured = lag.measure(rate, duration, (client, i) -> {
                    long n = offset + i;
                    next.accumulateAndGet(n + 1, Math::max);
                    String group = groups.get((int) (n % groups.size()));
                    String user = users.get((int) ((n * 7919) % users.size()));
                    boolean remove = !present.add(group + "/" + user);
                    if (remove) {
                        present.remove(group + "/" + user);
                    }
                    client.scimPatchGroupMembers(directory.id(), directory.scimToken(), group,
                            remove ? List.of() : List.of(user), remove ? List.of(user) : List.of());
                });
                String lagKind = (mapped ? "access-lag-" : "membership-lag-") + rate;
                lag.report(lagKind, mapped ? "membership changes/s, every group mapped"
                        : "membership changes/s, advanced mappings off", duration, measured);
                try (Connection c = db.getConnection()) {
                    results.count(lagKind, "stale_access", "  members whose access differs from the rules afterwards",
                            AccessRecompute.stale(c, org));
                }
            }
        }
    }

    private double plainUpdate(String organizationId) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE member_access SET seat_tier = 'standard', updated_at = now() WHERE organization_id = ? "
                        + "AND seat_tier = 'premium'")) {
            c.setAutoCommit(false);
            long started = System.nanoTime();
            ps.setString(1, organizationId);
            ps.executeUpdate();
            c.commit();
            return seconds(started);
        }
    }

    private static GroupMappingSet defaultsOnly(String tier) {
        return new GroupMappingSet(false, new GroupMappingSet.Defaults("member", tier), null, List.of(), List.of());
    }

    private static GroupMappingSet allGroupsMapped(List<String> groups) {
        List<String> tiers = List.of("free", "standard", "premium", "enterprise");
        List<String> roles = List.of("member", "analyst", "admin");
        List<GroupMappingSet.Mapping> all = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            all.add(new GroupMappingSet.Mapping(groups.get(i), roles.get(i % roles.size()), tiers.get(i % tiers.size()),
                    i % 2 == 0 ? null : new GroupMappingSet.SpendLimit(1_000L * i, "USD"), i + 1));
        }
        return new GroupMappingSet(true, new GroupMappingSet.Defaults("member", "standard"), null,
                List.of(new GroupMappingSet.CustomRole("analyst", List.of("reports.view"))), all);
    }

    private static double seconds(long started) {
        return (System.nanoTime() - started) / 1e9;
    }
}
