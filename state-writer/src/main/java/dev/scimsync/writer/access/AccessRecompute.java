package dev.scimsync.writer.access;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.Version;

/**
 * The members a writer batch changed, and the recompute of their access in the batch's transaction: a member is in
 * a group with its new role from the same commit on, never a moment in between. Collects members whose own row or
 * a membership changed, and groups removed or restored (their members are recomputed: a removed group no longer
 * decides anything). One statement per batch. Memberships and groups decide access only through advanced group
 * mappings: a membership change or a group's removal in an organization without them on recomputes no one (the
 * organizations' settings are read once per batch, under the batch's organization locks, which a change of mappings
 * takes too) — two thirds of a bulk load's rows would otherwise each recompute a member for nothing. Not thread-safe:
 * one per batch attempt.
 */
public final class AccessRecompute {

    /** Why a member's access is recomputed: a kind ({@code member_access_changes.cause_kind}) and an id. */
    public record Cause(String kind, String id) {

        public static final String EVENT = "event";
        public static final String RESYNC = "resync";
        public static final String GROUP_SYNC = "group_sync";
        public static final String REPLAY = "replay";
        public static final String PROVISIONING = "provisioning";
        public static final String MANUAL = "manual";
        public static final String BACKFILL = "backfill";

        /**
         * The cause of a change with this version: its WorkOS event, or the resync whose snapshot item (event id
         * "", the resync id is then the organization's last one) or sweep ({@code ~resync id}) it was.
         */
        public static Cause of(Version version) {
            if (version.eventId().isEmpty()) {
                return new Cause(RESYNC, null);
            }
            if (version.eventId().startsWith(Version.SWEEP_PREFIX)) {
                return new Cause(RESYNC, version.eventId().substring(Version.SWEEP_PREFIX.length()));
            }
            return new Cause(EVENT, version.eventId());
        }
    }

    /** One noted change: the user (or group) it concerns, its cause, its place in the batch. */
    private record Noted(String organizationId, String id, Cause cause, long place) {
    }

    /** Members whose own row changed. */
    private final List<Noted> users = new ArrayList<>();
    /** Members one of whose memberships changed: they matter only where advanced group mappings are on. */
    private final List<Noted> viaMemberships = new ArrayList<>();
    private final List<Noted> groups = new ArrayList<>();
    /** Changes noted so far: each one's place in the batch, for the cause (the last change of a member wins). */
    private long changes;

    /**
     * Notes a change the batch applied (statuses and resync runs decide no access and are ignored).
     *
     * @param presenceChanged whether it made its row present or removed: a group's members are recomputed only then
     *                        (a removed group decides nothing any more, a restored one again; a rename, or the new
     *                        {@code updated_at} a membership change gives a group, changes no one's access, and
     *                        recomputing its members for each would cost a group's size per membership event)
     */
    public void applied(Object value, boolean presenceChanged) {
        if (value instanceof Member m) {
            add(users, m.organizationId(), m.directoryUserId(), Cause.of(m.version()));
        } else if (value instanceof Membership ms) {
            add(viaMemberships, ms.organizationId(), ms.directoryUserId(), Cause.of(ms.version()));
        } else if (value instanceof Group g && presenceChanged) {
            add(groups, g.organizationId(), g.directoryGroupId(), Cause.of(g.version()));
        }
    }

    public boolean isEmpty() {
        return users.isEmpty() && viaMemberships.isEmpty() && groups.isEmpty();
    }

    /** Recomputes the noted members' access; returns how many members' access changed (audit rows written). */
    public int run(Connection connection) throws SQLException {
        if (isEmpty()) {
            return 0;
        }
        List<Noted> members = new ArrayList<>(users);
        List<Noted> removedOrRestored = groups;
        if (!viaMemberships.isEmpty() || !groups.isEmpty()) {
            Set<String> mapping = withAdvancedMappings(connection, Stream.concat(viaMemberships.stream(),
                    groups.stream()).map(Noted::organizationId).collect(Collectors.toSet()));
            viaMemberships.stream().filter(n -> mapping.contains(n.organizationId())).forEach(members::add);
            removedOrRestored = groups.stream().filter(n -> mapping.contains(n.organizationId())).toList();
        }
        if (members.isEmpty() && removedOrRestored.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = connection.prepareStatement(AccessStatements.recompute(AccessStatements.TARGET_CHANGES))) {
            bind(connection, ps, 1, members);
            bind(connection, ps, 6, removedOrRestored);
            return ps.executeUpdate();
        }
    }

    /** Those of {@code organizations} whose advanced group mappings are on. */
    private static Set<String> withAdvancedMappings(Connection connection, Set<String> organizations)
            throws SQLException {
        Set<String> on = new HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT organization_id FROM access_settings"
                + " WHERE advanced_group_mappings AND organization_id = ANY (CAST(? AS text[]))")) {
            ps.setArray(1, connection.createArrayOf("text", organizations.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    on.add(rs.getString(1));
                }
            }
        }
        return on;
    }

    /** Computes the access of every member that has none stored (cause {@code backfill}); returns how many. */
    public static int backfill(Connection connection) throws SQLException {
        return recompute(connection, AccessStatements.TARGET_MISSING, Cause.BACKFILL, null);
    }

    /**
     * Recomputes the access of the given members (e.g. members added or linked by hand) with {@code cause}; returns
     * how many members' access changed.
     */
    public static int members(Connection connection, List<Long> memberIds, Cause cause) throws SQLException {
        if (memberIds.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = connection.prepareStatement(AccessStatements.recompute(AccessStatements.TARGET_MEMBERS))) {
            ps.setString(1, cause.kind());
            ps.setString(2, cause.id());
            ps.setArray(3, connection.createArrayOf("bigint", memberIds.toArray()));
            return ps.executeUpdate();
        }
    }

    /** Recomputes the access of every member of the organization with {@code cause}; returns how many changed. */
    public static int organization(Connection connection, String organizationId, Cause cause) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(AccessStatements.recompute(AccessStatements.TARGET_ORGANIZATION))) {
            ps.setString(1, cause.kind());
            ps.setString(2, cause.id());
            ps.setString(3, organizationId);
            return ps.executeUpdate();
        }
    }

    /**
     * How many members of the organization hold access other than the rules give them now (0 when access is
     * current): the check the benchmark and operators can run, read-only.
     */
    public static long stale(Connection connection, String organizationId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM ("
                + AccessStatements.preview(AccessStatements.TARGET_ORGANIZATION) + ") stale")) {
            ps.setString(1, Cause.GROUP_SYNC);
            ps.setString(2, null);
            ps.setString(3, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static int recompute(Connection connection, String target, String kind, String id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(AccessStatements.recompute(target))) {
            ps.setString(1, kind);
            ps.setString(2, id);
            return ps.executeUpdate();
        }
    }

    private void add(List<Noted> into, String organizationId, String id, Cause cause) {
        into.add(new Noted(organizationId, id, cause, changes++));
    }

    private static void bind(Connection connection, PreparedStatement ps, int first, List<Noted> rows)
            throws SQLException {
        ps.setArray(first, connection.createArrayOf("text", rows.stream().map(Noted::organizationId).toArray()));
        ps.setArray(first + 1, connection.createArrayOf("text", rows.stream().map(Noted::id).toArray()));
        ps.setArray(first + 2, connection.createArrayOf("text", rows.stream().map(n -> n.cause().kind()).toArray()));
        ps.setArray(first + 3, connection.createArrayOf("text", rows.stream().map(n -> n.cause().id()).toArray()));
        ps.setArray(first + 4, connection.createArrayOf("bigint", rows.stream().map(Noted::place).toArray()));
    }
}
