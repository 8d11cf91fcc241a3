package dev.scimsync.writer.query;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

/**
 * Read-only, bounded listings of one organization's directory for the admin console and API: a page of members,
 * the groups with their member counts, the history of sync runs, and the changes applied per minute. Every
 * query has a LIMIT; none reads a whole large table.
 */
public final class DirectoryQueries {

    /** Most groups a listing returns. */
    public static final int MAX_GROUPS = 500;
    /** Most members a page holds. */
    public static final int MAX_PAGE_SIZE = 200;

    static final String MEMBERS_PAGE = "SELECT id, directory_user_id, email, first_name, last_name, state, source, "
            + "removed_at, count(*) OVER () FROM members WHERE organization_id = ? "
            + "AND (removed_at IS NULL OR ?) "
            + "AND (CAST(? AS text) IS NULL OR email ILIKE ? OR first_name ILIKE ? OR last_name ILIKE ? "
            + "OR (first_name || ' ' || last_name) ILIKE ? OR directory_user_id = ?) "
            + "ORDER BY removed_at IS NOT NULL, lower(email), id LIMIT ? OFFSET ?";

    static final String GROUPS_OF_MEMBERS = "SELECT gm.directory_user_id, g.name FROM group_memberships gm "
            + "JOIN groups g ON g.organization_id = gm.organization_id AND g.directory_group_id = gm.directory_group_id "
            + "WHERE gm.organization_id = ? AND gm.directory_user_id = ANY (?) ORDER BY lower(g.name)";

    static final String GROUPS = "SELECT g.directory_group_id, g.name, g.directory_id, g.updated_at, "
            + "(SELECT count(*) FROM group_memberships gm WHERE gm.organization_id = g.organization_id "
            + "AND gm.directory_group_id = g.directory_group_id) "
            + "FROM groups g WHERE g.organization_id = ? AND g.removed_at IS NULL ORDER BY lower(g.name), g.directory_group_id "
            + "LIMIT " + MAX_GROUPS;

    static final String SYNC_RUNS = "SELECT id, organization_id, kind, scope, state, started_at, finished_at, members, "
            + "groups, memberships, removed, dry_run, note FROM sync_runs "
            + "WHERE organization_id = ? OR (kind = 'replay' AND organization_id IS NULL) "
            + "ORDER BY started_at DESC, id DESC LIMIT ?";

    /**
     * Rows whose version (WorkOS time of their last change) falls in the window, per minute: each entity's last
     * change, so an entity changed twice in the window counts once.
     */
    static final String CHANGES_PER_MINUTE = "SELECT minute, count(*) FROM ("
            + "SELECT date_trunc('minute', version_at) AS minute FROM members WHERE organization_id = ? AND version_at >= ? "
            + "UNION ALL SELECT date_trunc('minute', version_at) FROM groups WHERE organization_id = ? AND version_at >= ? "
            + "UNION ALL SELECT date_trunc('minute', version_at) FROM group_memberships WHERE organization_id = ? AND version_at >= ? "
            + "UNION ALL SELECT date_trunc('minute', version_at) FROM group_membership_removals "
            + "WHERE organization_id = ? AND version_at >= ?) changes GROUP BY minute ORDER BY minute";

    /** One member as the console lists it; {@code removedAt} null while present. */
    public record MemberListing(long id, String directoryUserId, String email, String firstName, String lastName,
                                String state, String source, Instant removedAt, List<String> groups) {
        public MemberListing {
            groups = List.copyOf(groups);
        }
    }

    /** One page of members and how many match in all. */
    public record MemberPage(List<MemberListing> members, long total, int page, int pageSize) {
        public MemberPage {
            members = List.copyOf(members);
        }
    }

    /** A present group with its number of members. */
    public record GroupListing(String directoryGroupId, String name, String directoryId, Instant updatedAt,
                               long members) {
    }

    /** A resync or replay as {@code sync_runs} records it; counts and note are null until it ended. */
    public record SyncRun(String id, String organizationId, String kind, String scope, String state, Instant startedAt,
                          Instant finishedAt, Long members, Long groups, Long memberships, Long removed,
                          boolean dryRun, String note) {
    }

    private final DataSource dataSource;

    public DirectoryQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * A page of the organization's members, present first, by email.
     *
     * @param search         matched against email, names (case-insensitive, anywhere) or the WorkOS id; null for all
     * @param includeRemoved whether removed members are listed too
     * @param page           from 0
     */
    public MemberPage members(String organizationId, String search, boolean includeRemoved, int page, int pageSize)
            throws SQLException {
        int size = Math.max(1, Math.min(pageSize, MAX_PAGE_SIZE));
        int from = Math.max(0, page);
        String pattern = search == null || search.isBlank() ? null : "%" + escapeLike(search.strip()) + "%";
        List<MemberListing> rows = new ArrayList<>();
        long total = 0;
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement ps = connection.prepareStatement(MEMBERS_PAGE)) {
                bindMemberFilter(ps, organizationId, includeRemoved, pattern, search);
                ps.setInt(9, size);
                ps.setLong(10, (long) from * size);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new MemberListing(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), instant(rs, 8), List.of()));
                        total = rs.getLong(9);
                    }
                }
            }
            if (rows.isEmpty() && from > 0) {
                total = count(organizationId, includeRemoved, pattern, search, connection);
            }
            Map<String, List<String>> groups = groupsOf(connection, organizationId, rows);
            List<MemberListing> withGroups = rows.stream().map(m -> new MemberListing(m.id(), m.directoryUserId(),
                    m.email(), m.firstName(), m.lastName(), m.state(), m.source(), m.removedAt(),
                    m.directoryUserId() == null ? List.of() : groups.getOrDefault(m.directoryUserId(), List.of())))
                    .toList();
            return new MemberPage(withGroups, total, from, size);
        }
    }

    /** The organization's present groups by name, at most {@value #MAX_GROUPS}, each with its member count. */
    public List<GroupListing> groups(String organizationId) throws SQLException {
        List<GroupListing> groups = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement(GROUPS)) {
            ps.setString(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groups.add(new GroupListing(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4),
                            rs.getLong(5)));
                }
            }
        }
        return groups;
    }

    /** The organization's latest resyncs and replays (replays of every organization included), newest first. */
    public List<SyncRun> syncRuns(String organizationId, int limit) throws SQLException {
        List<SyncRun> runs = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement(SYNC_RUNS)) {
            ps.setString(1, organizationId);
            ps.setInt(2, Math.max(1, Math.min(limit, 200)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    runs.add(new SyncRun(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), instant(rs, 6), instant(rs, 7), rs.getObject(8, Long.class),
                            rs.getObject(9, Long.class), rs.getObject(10, Long.class), rs.getObject(11, Long.class),
                            rs.getBoolean(12), rs.getString(13)));
                }
            }
        }
        return runs;
    }

    /**
     * Directory changes per minute since {@code since} (members, groups, memberships added or ended), by the
     * WorkOS time of each entity's last change; minutes without a change are absent.
     */
    public Map<Instant, Long> changesPerMinute(String organizationId, Instant since) throws SQLException {
        Map<Instant, Long> minutes = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement(CHANGES_PER_MINUTE)) {
            Timestamp from = Timestamp.from(since);
            for (int i = 0; i < 4; i++) {
                ps.setString(2 * i + 1, organizationId);
                ps.setTimestamp(2 * i + 2, from);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    minutes.put(rs.getTimestamp(1).toInstant(), rs.getLong(2));
                }
            }
        }
        return minutes;
    }

    /** Parameters 1 to 8 of {@code MEMBERS_PAGE}: the organization, removed or not, the search. */
    private static void bindMemberFilter(PreparedStatement ps, String organizationId, boolean includeRemoved,
                                         String pattern, String search) throws SQLException {
        ps.setString(1, organizationId);
        ps.setBoolean(2, includeRemoved);
        for (int i = 3; i <= 7; i++) {
            ps.setString(i, pattern);
        }
        ps.setString(8, search == null ? null : search.strip());
    }

    private static long count(String organizationId, boolean includeRemoved, String pattern, String search,
                              Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM (" + MEMBERS_PAGE
                .replace("ORDER BY removed_at IS NOT NULL, lower(email), id LIMIT ? OFFSET ?", "") + ") m")) {
            bindMemberFilter(ps, organizationId, includeRemoved, pattern, search);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Map<String, List<String>> groupsOf(Connection connection, String organizationId,
                                                      List<MemberListing> members) throws SQLException {
        String[] ids = members.stream().map(MemberListing::directoryUserId).filter(id -> id != null)
                .toArray(String[]::new);
        Map<String, List<String>> groups = new LinkedHashMap<>();
        if (ids.length == 0) {
            return groups;
        }
        try (PreparedStatement ps = connection.prepareStatement(GROUPS_OF_MEMBERS)) {
            Array array = connection.createArrayOf("text", ids);
            ps.setString(1, organizationId);
            ps.setArray(2, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groups.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return groups;
    }

    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
