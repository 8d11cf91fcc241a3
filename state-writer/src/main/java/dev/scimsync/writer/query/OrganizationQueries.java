package dev.scimsync.writer.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/** Read-only queries for the admin API. */
public final class OrganizationQueries {

    static final String LIST = "SELECT o.id, o.name, o.provisioning_mode, COALESCE(s.members, 0), COALESCE(s.groups, 0), "
            + "COALESCE(s.memberships, 0), s.last_event_created_at "
            + "FROM organizations o LEFT JOIN sync_status s ON s.organization_id = o.id ORDER BY o.id";

    static final String STATUS = "SELECT o.id, o.name, o.provisioning_mode, o.primary_owner_member_id, o.max_removal_percent, "
            + "o.max_removal_count, COALESCE(s.members, 0), COALESCE(s.groups, 0), COALESCE(s.memberships, 0), "
            + "s.processor_members, s.processor_groups, s.processor_memberships, s.last_event_id, s.last_event_created_at, "
            + "s.last_applied_at, s.last_resync_id, s.last_resync_state, s.last_resync_at, r.scope, r.dry_run, r.removed, r.note "
            + "FROM organizations o LEFT JOIN sync_status s ON s.organization_id = o.id "
            + "LEFT JOIN sync_runs r ON r.id = s.last_resync_id WHERE o.id = ?";

    static final String PRESENT_MEMBERS = "SELECT directory_user_id, directory_id, email, first_name, last_name, state "
            + "FROM members WHERE organization_id = ? AND directory_user_id IS NOT NULL AND removed_at IS NULL";

    static final String PRESENT_GROUPS = "SELECT directory_group_id, directory_id, name FROM groups "
            + "WHERE organization_id = ? AND removed_at IS NULL";

    static final String MEMBERSHIPS = "SELECT directory_group_id, directory_user_id FROM group_memberships "
            + "WHERE organization_id = ?";

    static final String LAST_REPLAY = "SELECT id, organization_id, state, started_at, finished_at, note FROM sync_runs "
            + "WHERE kind = 'replay' AND (organization_id = ? OR organization_id IS NULL) "
            + "ORDER BY started_at DESC, id DESC LIMIT 1";

    /** A replay as {@code sync_runs} records it; organizationId null when it rebuilt every organization. */
    public record ReplayRun(String id, String organizationId, String state, Instant startedAt, Instant finishedAt,
                            String note) {
    }

    private final DataSource dataSource;

    public OrganizationQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Every organization the database knows, by id. */
    public List<OrganizationSummary> list() throws SQLException {
        List<OrganizationSummary> organizations = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement(LIST);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                organizations.add(new OrganizationSummary(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getLong(4), rs.getLong(5), rs.getLong(6), instant(rs, 7)));
            }
        }
        return organizations;
    }

    /** The status of one organization; empty when the database does not know it. */
    public Optional<OrganizationStatus> status(String organizationId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement(STATUS)) {
            ps.setString(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new OrganizationStatus(rs.getString(1), rs.getString(2), rs.getString(3),
                        (Long) rs.getObject(4, Long.class), (Integer) rs.getObject(5, Integer.class),
                        (Integer) rs.getObject(6, Integer.class), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                        rs.getObject(10, Long.class), rs.getObject(11, Long.class), rs.getObject(12, Long.class),
                        rs.getString(13), instant(rs, 14), instant(rs, 15), rs.getString(16), rs.getString(17),
                        instant(rs, 18), rs.getString(19), rs.getObject(20, Boolean.class), rs.getObject(21, Long.class),
                        rs.getString(22)));
            }
        }
    }

    /** The latest replay that rebuilt the organization (of it alone or of every organization). */
    public Optional<ReplayRun> lastReplay(String organizationId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement(LAST_REPLAY)) {
            ps.setString(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ReplayRun(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4),
                        instant(rs, 5), rs.getString(6)));
            }
        }
    }

    /**
     * The organization's present directory members, groups and memberships, read in one repeatable-read
     * transaction so that the three lists belong to the same committed state.
     */
    public DirectoryRows directoryRows(String organizationId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            int isolation = connection.getTransactionIsolation();
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                List<DirectoryRows.MemberRow> members = new ArrayList<>();
                List<DirectoryRows.GroupRow> groups = new ArrayList<>();
                List<DirectoryRows.MembershipRow> memberships = new ArrayList<>();
                try (PreparedStatement ps = connection.prepareStatement(PRESENT_MEMBERS)) {
                    ps.setString(1, organizationId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            members.add(new DirectoryRows.MemberRow(rs.getString(1), rs.getString(2), rs.getString(3),
                                    rs.getString(4), rs.getString(5), rs.getString(6)));
                        }
                    }
                }
                try (PreparedStatement ps = connection.prepareStatement(PRESENT_GROUPS)) {
                    ps.setString(1, organizationId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            groups.add(new DirectoryRows.GroupRow(rs.getString(1), rs.getString(2), rs.getString(3)));
                        }
                    }
                }
                try (PreparedStatement ps = connection.prepareStatement(MEMBERSHIPS)) {
                    ps.setString(1, organizationId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            memberships.add(new DirectoryRows.MembershipRow(rs.getString(1), rs.getString(2)));
                        }
                    }
                }
                connection.commit();
                return new DirectoryRows(members, groups, memberships);
            } finally {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                }
                connection.setReadOnly(false);
                connection.setTransactionIsolation(isolation);
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
