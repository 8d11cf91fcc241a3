package dev.scimsync.writer.access;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.serde.Json;

/** Read-only: one member's access and its history, seats per tier. */
public final class AccessQueries {

    /** Most history rows one answer holds (newest first). */
    public static final int MAX_HISTORY = 200;

    /** One change of a member's access (old null for its first). */
    public record AccessChange(@JsonProperty("changed_at") Instant changedAt,
                               @JsonProperty("cause") Map<String, String> cause,
                               @JsonProperty("old") JsonNode old,
                               @JsonProperty("new") JsonNode now) {
    }

    /** A member's access now and how it got there. */
    public record MemberAccessHistory(@JsonProperty("member_id") long memberId,
                                      @JsonProperty("directory_user_id") String directoryUserId,
                                      @JsonProperty("removed") boolean removed,
                                      @JsonProperty("access") MemberAccess access,
                                      @JsonProperty("history") List<AccessChange> history) {
    }

    private final DataSource dataSource;

    public AccessQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The member's access and its latest changes, newest first; empty when no such member of the organization. */
    public Optional<MemberAccessHistory> member(String organizationId, long memberId, int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            MemberAccessHistory found;
            try (PreparedStatement ps = connection.prepareStatement("SELECT m.id, m.directory_user_id, "
                    + "m.removed_at IS NOT NULL, " + MemberAccess.COLUMNS + " FROM members m "
                    + "LEFT JOIN member_access a ON a.member_id = m.id WHERE m.organization_id = ? AND m.id = ?")) {
                ps.setString(1, organizationId);
                ps.setLong(2, memberId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    found = new MemberAccessHistory(rs.getLong(1), rs.getString(2), rs.getBoolean(3),
                            MemberAccess.read(rs, 4), new ArrayList<>());
                }
            }
            try (PreparedStatement ps = connection.prepareStatement("SELECT changed_at, cause_kind, cause_id, "
                    + "old_access::text, new_access::text FROM member_access_changes WHERE member_id = ? "
                    + "ORDER BY id DESC LIMIT ?")) {
                ps.setLong(1, memberId);
                ps.setInt(2, Math.max(1, Math.min(limit, MAX_HISTORY)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, String> cause = new LinkedHashMap<>();
                        cause.put("kind", rs.getString(2));
                        cause.put("id", rs.getString(3));
                        found.history().add(new AccessChange(rs.getTimestamp(1).toInstant(), cause,
                                json(rs.getString(4)), json(rs.getString(5))));
                    }
                }
            }
            return Optional.of(found);
        }
    }

    /** Present members holding a seat, per tier, of one organization. */
    public Map<String, Long> seats(String organizationId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return MappingRows.seatsByTier(connection, organizationId);
        }
    }

    /** Present members holding a seat, per organization and tier. */
    public Map<String, Map<String, Long>> seatsOfAll() throws SQLException {
        Map<String, Map<String, Long>> seats = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement("SELECT a.organization_id, a.seat_tier, count(*) "
                     + "FROM member_access a JOIN members m ON m.id = a.member_id WHERE a.seat_tier IS NOT NULL "
                     + "AND m.removed_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                seats.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getLong(3));
            }
        }
        return seats;
    }

    private static JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("member_access_changes holds JSON PostgreSQL wrote: " + e.getMessage(), e);
        }
    }
}
