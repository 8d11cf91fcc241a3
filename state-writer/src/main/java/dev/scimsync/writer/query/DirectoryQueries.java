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

import dev.scimsync.writer.access.MemberAccess;

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

    static final String MEMBERS_PAGE = "SELECT m.id, m.directory_user_id, m.email, m.first_name, m.last_name, m.state, "
            + "m.source, m.removed_at, " + MemberAccess.COLUMNS + ", count(*) OVER () "
            + "FROM members m LEFT JOIN member_access a ON a.member_id = m.id WHERE m.organization_id = ? "
            + "AND (m.removed_at IS NULL OR ?) "
            + "AND (CAST(? AS text) IS NULL OR m.email ILIKE ? OR m.first_name ILIKE ? OR m.last_name ILIKE ? "
            + "OR (m.first_name || ' ' || m.last_name) ILIKE ? OR m.directory_user_id = ?) "
            + "AND (CAST(? AS text) IS NULL OR a.role = ?) AND (CAST(? AS text) IS NULL OR a.seat_tier = ?) "
            + "AND (CAST(? AS text) IS NULL OR m.source = ?) "
            + "AND (CAST(? AS text) IS NULL OR EXISTS (SELECT 1 FROM group_memberships gm "
            + "WHERE gm.organization_id = m.organization_id AND gm.directory_user_id = m.directory_user_id "
            + "AND gm.directory_group_id = ?)) "
            + "ORDER BY m.removed_at IS NOT NULL, lower(m.email), m.id LIMIT ? OFFSET ?";

    /** Parameters of {@code MEMBERS_PAGE} before its LIMIT and OFFSET. */
    private static final int MEMBER_FILTER_PARAMETERS = 16;

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

    /** One member as the console lists it; {@code removedAt} null while present; access null before it is computed. */
    public record MemberListing(long id, String directoryUserId, String email, String firstName, String lastName,
                                String state, String source, Instant removedAt, List<String> groups,
                                MemberAccess access) {
        public MemberListing {
            groups = List.copyOf(groups);
        }
    }

    /**
     * Which members a listing holds; every field but {@code includeRemoved} is null for "any".
     *
     * @param search matched against email, names (case-insensitive, anywhere) or the WorkOS id
     * @param group  a directory group id the member must be in
     * @param source {@code directory} or {@code manual}
     */
    public record MemberFilter(String search, boolean includeRemoved, String role, String seatTier, String group,
                               String source) {

        public static MemberFilter search(String search, boolean includeRemoved) {
            return new MemberFilter(search, includeRemoved, null, null, null, null);
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

    /** A page of the organization's members matching {@code filter}, present first, by email; {@code page} from 0. */
    public MemberPage members(String organizationId, MemberFilter filter, int page, int pageSize) throws SQLException {
        int size = Math.max(1, Math.min(pageSize, MAX_PAGE_SIZE));
        int from = Math.max(0, page);
        List<MemberListing> rows = new ArrayList<>();
        long total = 0;
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement ps = connection.prepareStatement(MEMBERS_PAGE)) {
                bindMemberFilter(ps, organizationId, filter);
                ps.setInt(MEMBER_FILTER_PARAMETERS + 1, size);
                ps.setLong(MEMBER_FILTER_PARAMETERS + 2, (long) from * size);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new MemberListing(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), instant(rs, 8), List.of(),
                                MemberAccess.read(rs, 9)));
                        total = rs.getLong(17);
                    }
                }
            }
            if (rows.isEmpty() && from > 0) {
                total = count(organizationId, filter, connection);
            }
            Map<String, List<String>> groups = groupsOf(connection, organizationId, rows);
            List<MemberListing> withGroups = rows.stream().map(m -> new MemberListing(m.id(), m.directoryUserId(),
                    m.email(), m.firstName(), m.lastName(), m.state(), m.source(), m.removedAt(),
                    m.directoryUserId() == null ? List.of() : groups.getOrDefault(m.directoryUserId(), List.of()),
                    m.access())).toList();
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

    /** The parameters of {@code MEMBERS_PAGE} before LIMIT and OFFSET: the organization and the filter. */
    private static void bindMemberFilter(PreparedStatement ps, String organizationId, MemberFilter filter)
            throws SQLException {
        String search = filter.search() == null || filter.search().isBlank() ? null : filter.search().strip();
        String pattern = search == null ? null : "%" + escapeLike(search) + "%";
        ps.setString(1, organizationId);
        ps.setBoolean(2, filter.includeRemoved());
        for (int i = 3; i <= 7; i++) {
            ps.setString(i, pattern);
        }
        ps.setString(8, search);
        String[] pairs = {filter.role(), filter.seatTier(), filter.source(), filter.group()};
        for (int i = 0; i < pairs.length; i++) {
            ps.setString(9 + 2 * i, pairs[i]);
            ps.setString(10 + 2 * i, pairs[i]);
        }
    }

    private static long count(String organizationId, MemberFilter filter, Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM (" + MEMBERS_PAGE
                .replace("ORDER BY m.removed_at IS NOT NULL, lower(m.email), m.id LIMIT ? OFFSET ?", "") + ") m")) {
            bindMemberFilter(ps, organizationId, filter);
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
