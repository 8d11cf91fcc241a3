package dev.scimsync.writer.access;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import javax.sql.DataSource;

import dev.scimsync.writer.db.OrganizationLocks;

/**
 * Reads and replaces an organization's group mappings, roles and access settings. A replacement is a group sync:
 * in one transaction under the organization's lock it writes the new set, computes every member's access under it,
 * and then either rolls back (dry run; or held by the safeguard when it would downgrade more members than the
 * organization's removal limits) or writes the changed access with an audit row each ({@code cause_kind
 * group_sync}) and commits. Every group sync that got past validation is recorded in {@code sync_runs} (applied,
 * previewed or held); a refused request (invalid set, unknown organization) or a database failure records nothing.
 */
public final class GroupMappingService {

    /** Most changed members a group sync's answer lists. */
    public static final int LISTED_CHANGES = 100;

    /** The organization is not in the database. */
    public static final class UnknownOrganizationException extends Exception {
        public UnknownOrganizationException(String organizationId) {
            super("unknown organization " + organizationId);
        }
    }

    /** The set is invalid; every problem is listed. */
    public static final class InvalidMappingsException extends Exception {
        private final List<String> problems;

        InvalidMappingsException(List<String> problems) {
            super(problems.size() + " problem(s) with the group mappings: " + String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private final DataSource dataSource;
    private final int defaultMaxRemovalPercent;
    private final int defaultMaxRemovalCount;
    private final Clock clock;

    public GroupMappingService(DataSource dataSource, int defaultMaxRemovalPercent, int defaultMaxRemovalCount,
                               Clock clock) {
        this.dataSource = dataSource;
        this.defaultMaxRemovalPercent = defaultMaxRemovalPercent;
        this.defaultMaxRemovalCount = defaultMaxRemovalCount;
        this.clock = clock;
    }

    /** The organization's set (the initial one when it never set any); empty when the organization is unknown. */
    public Optional<GroupMappingSet> get(String organizationId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!MappingRows.organizationExists(connection, organizationId)) {
                return Optional.empty();
            }
            return Optional.of(MappingRows.read(connection, organizationId));
        }
    }

    /**
     * Replaces the organization's set (a group sync).
     *
     * @param dryRun only preview: nothing changes
     * @param force  apply even when the safeguard would hold it
     */
    public GroupSync replace(String organizationId, GroupMappingSet requested, boolean dryRun, boolean force)
            throws SQLException, UnknownOrganizationException, InvalidMappingsException {
        GroupMappingSet set = requested.normalized();
        String runId = "gs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        Instant started = clock.instant();
        GroupSync result;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                OrganizationLocks.lock(connection, List.of(organizationId));
                if (!MappingRows.organizationExists(connection, organizationId)) {
                    throw new UnknownOrganizationException(organizationId);
                }
                List<String> problems = MappingValidation.problems(requested, set,
                        MappingRows.mappableGroups(connection, organizationId));
                if (!problems.isEmpty()) {
                    throw new InvalidMappingsException(problems);
                }
                Map<String, Long> before = MappingRows.seatsByTier(connection, organizationId);
                GroupSync.Limits limits = limits(connection, organizationId);
                MappingRows.replace(connection, organizationId, set, started);
                Preview preview = preview(connection, organizationId, set.seatTiers());
                boolean held = !dryRun && !force && limits.exceededBy(preview.downgrades);
                String state = dryRun ? GroupSync.PREVIEWED : held ? GroupSync.HELD : GroupSync.APPLIED;
                result = preview.result(state, runId, before, limits);
                if (state.equals(GroupSync.APPLIED)) {
                    AccessRecompute.organization(connection, organizationId,
                            new AccessRecompute.Cause(AccessRecompute.Cause.GROUP_SYNC, runId));
                    record(connection, organizationId, result, dryRun, started);
                    connection.commit();
                } else {
                    connection.rollback();
                }
            } catch (Exception | Error e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
            if (!result.state().equals(GroupSync.APPLIED)) {
                connection.setAutoCommit(true);
                record(connection, organizationId, result, dryRun, started);
            }
        }
        return result;
    }

    private GroupSync.Limits limits(Connection connection, String organizationId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT o.max_removal_count, o.max_removal_percent, "
                + "(SELECT count(*) FROM members m WHERE m.organization_id = o.id AND m.removed_at IS NULL) "
                + "FROM organizations o WHERE o.id = ?")) {
            ps.setString(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int count = rs.getObject(1) == null ? defaultMaxRemovalCount : rs.getInt(1);
                int percent = rs.getObject(2) == null ? defaultMaxRemovalPercent : rs.getInt(2);
                return new GroupSync.Limits(count, percent, rs.getLong(3));
            }
        }
    }

    private void record(Connection connection, String organizationId, GroupSync result, boolean dryRun, Instant started)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO sync_runs (id, organization_id, kind, "
                + "state, started_at, finished_at, members, removed, dry_run, note) "
                + "VALUES (?, ?, 'group_sync', ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, result.syncRunId());
            ps.setString(2, organizationId);
            ps.setString(3, result.state());
            ps.setTimestamp(4, Timestamp.from(started));
            ps.setTimestamp(5, Timestamp.from(clock.instant()));
            ps.setLong(6, result.changes().members());
            ps.setLong(7, result.downgrades());
            ps.setBoolean(8, dryRun);
            ps.setString(9, result.note());
            ps.executeUpdate();
        }
    }

    private static Preview preview(Connection connection, String organizationId, List<String> seatTiers)
            throws SQLException {
        Preview preview = new Preview(seatTiers);
        try (PreparedStatement ps = connection.prepareStatement(AccessStatements.preview(AccessStatements.TARGET_ORGANIZATION))) {
            ps.setString(1, AccessRecompute.Cause.GROUP_SYNC);
            ps.setString(2, null);
            ps.setString(3, organizationId);
            ps.setFetchSize(1_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    preview.add(rs);
                }
            }
        }
        return preview;
    }

    /** The members a replacement changes, counted as its rows stream by. */
    private static final class Preview {
        private final List<String> tiers;
        private final Map<String, Long> delta = new TreeMap<>();
        private final List<GroupSync.MemberChange> listed = new ArrayList<>();
        long members;
        long roleChanges;
        long tierChanges;
        long downgrades;

        Preview(List<String> tiers) {
            this.tiers = tiers;
        }

        void add(ResultSet rs) throws SQLException {
            boolean had = rs.getBoolean(4);
            String oldRole = rs.getString(5);
            Set<String> oldCapabilities = strings(rs.getArray(6));
            String oldTier = rs.getString(7);
            String role = rs.getString(8);
            Set<String> capabilities = strings(rs.getArray(9));
            String tier = rs.getString(10);
            members++;
            boolean roleChanged = !had || !java.util.Objects.equals(oldRole, role);
            boolean tierChanged = !had || !java.util.Objects.equals(oldTier, tier);
            roleChanges += roleChanged ? 1 : 0;
            tierChanges += tierChanged ? 1 : 0;
            if (had && oldTier != null) {
                delta.merge(oldTier, -1L, Long::sum);
            }
            if (tier != null) {
                delta.merge(tier, 1L, Long::sum);
            }
            boolean downgrade = had && (Roles.strips(oldCapabilities, capabilities)
                    || (oldTier != null && tier == null)
                    || (oldTier != null && tier != null && !oldTier.equals(tier) && tiers.indexOf(tier) < tiers.indexOf(oldTier))
                    || (oldTier != null && !oldTier.equals(tier) && tiers.indexOf(oldTier) < 0));
            downgrades += downgrade ? 1 : 0;
            if ((roleChanged || tierChanged) && listed.size() < LISTED_CHANGES) {
                listed.add(new GroupSync.MemberChange(rs.getLong(1), rs.getString(2), rs.getString(3),
                        had ? oldRole : null, role, had ? oldTier : null, tier, downgrade));
            }
        }

        GroupSync result(String state, String runId, Map<String, Long> before, GroupSync.Limits limits) {
            Map<String, GroupSync.TierCount> byTier = new TreeMap<>();
            Set<String> names = new HashSet<>(before.keySet());
            names.addAll(delta.keySet());
            for (String name : names) {
                long b = before.getOrDefault(name, 0L);
                byTier.put(name, new GroupSync.TierCount(b, b + delta.getOrDefault(name, 0L)));
            }
            String note = switch (state) {
                case GroupSync.HELD -> "held: " + downgrades + " member(s) would be downgraded, over the limit of "
                        + limits.maxCount() + " or " + limits.maxPercent() + "% of " + limits.presentMembers()
                        + " present members; nothing changed (force to apply)";
                case GroupSync.PREVIEWED -> "dry run: " + members + " member(s) would change (" + downgrades
                        + " downgraded); nothing changed";
                default -> members + " member(s) changed (" + roleChanges + " role, " + tierChanges + " seat tier, "
                        + downgrades + " downgraded)";
            };
            return new GroupSync(state, runId, new GroupSync.Changes(members, roleChanges, tierChanges, byTier),
                    downgrades, limits, note, listed);
        }

        private static Set<String> strings(Array array) throws SQLException {
            return array == null ? Set.of() : new HashSet<>(Arrays.asList((String[]) array.getArray()));
        }
    }
}
