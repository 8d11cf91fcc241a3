package dev.scimsync.writer.access;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The rows of access_settings, access_roles and group_mappings of one organization, read and replaced. */
final class MappingRows {

    private MappingRows() {
    }

    static boolean organizationExists(Connection connection, String organizationId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM organizations WHERE id = ?")) {
            ps.setString(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The groups a mapping may name: present ones, and those mapped now (a mapping outlives its group). */
    static Set<String> mappableGroups(Connection connection, String organizationId) throws SQLException {
        Set<String> groups = new HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT directory_group_id FROM groups "
                + "WHERE organization_id = ? AND removed_at IS NULL "
                + "UNION SELECT directory_group_id FROM group_mappings WHERE organization_id = ?")) {
            ps.setString(1, organizationId);
            ps.setString(2, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    groups.add(rs.getString(1));
                }
            }
        }
        return groups;
    }

    /** Present members holding a seat, per tier. */
    static Map<String, Long> seatsByTier(Connection connection, String organizationId) throws SQLException {
        Map<String, Long> seats = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT a.seat_tier, count(*) FROM member_access a "
                + "JOIN members m ON m.id = a.member_id WHERE a.organization_id = ? AND a.seat_tier IS NOT NULL "
                + "AND m.removed_at IS NULL GROUP BY a.seat_tier ORDER BY a.seat_tier")) {
            ps.setString(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seats.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return seats;
    }

    static GroupMappingSet read(Connection connection, String organizationId) throws SQLException {
        GroupMappingSet initial = GroupMappingSet.initial();
        boolean advanced = initial.advancedGroupMappings();
        GroupMappingSet.Defaults defaults = initial.defaults();
        List<String> tiers = initial.seatTiers();
        try (PreparedStatement ps = connection.prepareStatement("SELECT advanced_group_mappings, default_role, "
                + "default_seat_tier, seat_tiers FROM access_settings WHERE organization_id = ?")) {
            ps.setString(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    advanced = rs.getBoolean(1);
                    defaults = new GroupMappingSet.Defaults(rs.getString(2), rs.getString(3));
                    tiers = List.of((String[]) rs.getArray(4).getArray());
                }
            }
        }
        List<GroupMappingSet.CustomRole> roles = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT name, capabilities FROM access_roles WHERE organization_id = ? ORDER BY name")) {
            ps.setString(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    roles.add(new GroupMappingSet.CustomRole(rs.getString(1),
                            Arrays.asList((String[]) rs.getArray(2).getArray())));
                }
            }
        }
        List<GroupMappingSet.Mapping> mappings = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT directory_group_id, role, seat_tier, "
                + "spend_limit_amount, spend_limit_currency, priority FROM group_mappings WHERE organization_id = ? "
                + "ORDER BY priority DESC, directory_group_id")) {
            ps.setString(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long amount = rs.getLong(4);
                    GroupMappingSet.SpendLimit limit = rs.wasNull() ? null
                            : new GroupMappingSet.SpendLimit(amount, rs.getString(5));
                    mappings.add(new GroupMappingSet.Mapping(rs.getString(1), rs.getString(2), rs.getString(3), limit,
                            rs.getInt(6)));
                }
            }
        }
        return new GroupMappingSet(advanced, defaults, tiers, roles, mappings);
    }

    /** Replaces the organization's rows with {@code set} (normalized and valid). */
    static void replace(Connection connection, String organizationId, GroupMappingSet set, Instant at)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM group_mappings WHERE organization_id = ?")) {
            ps.setString(1, organizationId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM access_roles WHERE organization_id = ?")) {
            ps.setString(1, organizationId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO access_settings AS t (organization_id, "
                + "advanced_group_mappings, default_role, default_seat_tier, seat_tiers, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (organization_id) DO UPDATE SET advanced_group_mappings = excluded.advanced_group_mappings, "
                + "default_role = excluded.default_role, default_seat_tier = excluded.default_seat_tier, "
                + "seat_tiers = excluded.seat_tiers, updated_at = excluded.updated_at")) {
            ps.setString(1, organizationId);
            ps.setBoolean(2, set.advancedGroupMappings());
            ps.setString(3, set.defaults().role());
            ps.setString(4, set.defaults().seatTier());
            ps.setArray(5, connection.createArrayOf("text", set.seatTiers().toArray()));
            ps.setTimestamp(6, Timestamp.from(at));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT INTO access_roles (organization_id, name, capabilities) VALUES (?, ?, ?)")) {
            for (GroupMappingSet.CustomRole role : set.roles()) {
                ps.setString(1, organizationId);
                ps.setString(2, role.name());
                ps.setArray(3, connection.createArrayOf("text", role.capabilities().stream().distinct().sorted().toArray()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO group_mappings (organization_id, "
                + "directory_group_id, role, seat_tier, spend_limit_amount, spend_limit_currency, priority) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (GroupMappingSet.Mapping mapping : set.mappings()) {
                ps.setString(1, organizationId);
                ps.setString(2, mapping.directoryGroupId());
                ps.setString(3, mapping.role());
                ps.setString(4, mapping.seatTier());
                ps.setObject(5, mapping.spendLimit() == null ? null : mapping.spendLimit().amount(), java.sql.Types.BIGINT);
                ps.setString(6, mapping.spendLimit() == null ? null : mapping.spendLimit().currency());
                ps.setInt(7, mapping.priority());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
