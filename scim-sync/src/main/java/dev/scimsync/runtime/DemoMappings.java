package dev.scimsync.runtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.writer.access.GroupMappingService;
import dev.scimsync.writer.access.GroupMappingSet;
import dev.scimsync.writer.access.GroupSync;

/**
 * Zero-setup only: once the demo organization's groups have reached the database, maps three of them (the first by
 * name) to roles, seat tiers and spend limits, so that {@code run} shows access at once. Done once: an organization
 * that has access settings already (set by the demo before, or by an admin) is left as it is.
 */
final class DemoMappings implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoMappings.class);
    private static final Duration WAIT = Duration.ofMinutes(3);

    private final Thread thread;

    private DemoMappings(Thread thread) {
        this.thread = thread;
    }

    static DemoMappings start(DataSource dataSource, GroupMappingService mappings, String organizationId) {
        Thread thread = new Thread(() -> apply(dataSource, mappings, organizationId), "scim-sync-demo-mappings");
        thread.setDaemon(true);
        thread.start();
        return new DemoMappings(thread);
    }

    private static void apply(DataSource dataSource, GroupMappingService mappings, String organizationId) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                List<String> groups = firstGroups(dataSource, organizationId);
                if (configured(dataSource, organizationId)) {
                    return;
                }
                if (groups.size() == 3) {
                    GroupSync sync = mappings.replace(organizationId, demoSet(groups), false, true);
                    LOG.info("demo organization {}: groups {} mapped to admin/enterprise, analyst/premium and "
                            + "member/standard ({})", organizationId, groups, sync.note());
                    return;
                }
                Thread.sleep(1_000);
            }
            LOG.info("demo organization {}: its groups did not reach the database within {}; no demo mappings",
                    organizationId, WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("demo organization {}: mapping its groups failed: {}", organizationId, e.toString());
        }
    }

    static GroupMappingSet demoSet(List<String> groups) {
        return new GroupMappingSet(true, new GroupMappingSet.Defaults("member", "standard"), null,
                List.of(new GroupMappingSet.CustomRole("analyst", List.of("reports.view", "exports.create"))),
                List.of(new GroupMappingSet.Mapping(groups.get(0), "admin", "enterprise", null, 30),
                        new GroupMappingSet.Mapping(groups.get(1), "analyst", "premium",
                                new GroupMappingSet.SpendLimit(50_000L, "USD"), 20),
                        new GroupMappingSet.Mapping(groups.get(2), "member", "standard",
                                new GroupMappingSet.SpendLimit(10_000L, "USD"), 10)));
    }

    private static List<String> firstGroups(DataSource dataSource, String organizationId) throws SQLException {
        List<String> groups = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT directory_group_id FROM groups WHERE organization_id = ? AND removed_at IS NULL "
                        + "ORDER BY lower(name), directory_group_id LIMIT 3")) {
            ps.setString(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groups.add(rs.getString(1));
                }
            }
        }
        return groups;
    }

    private static boolean configured(DataSource dataSource, String organizationId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM access_settings WHERE organization_id = ?")) {
            ps.setString(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
