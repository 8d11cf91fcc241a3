package dev.scimsync.writer.access;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A member's effective access as {@code member_access} holds it and the API shows it. {@code role} and
 * {@code seatTier} are null while the member holds nothing (removed, or not active in the directory).
 */
public record MemberAccess(@JsonProperty("role") String role,
                           @JsonProperty("capabilities") List<String> capabilities,
                           @JsonProperty("seat_tier") String seatTier,
                           @JsonProperty("spend_limit") GroupMappingSet.SpendLimit spendLimit,
                           @JsonProperty("decided_by") DecidedBy decidedBy) {

    /** What decided each value: a directory group id, default, own_role, primary_owner, removed or inactive. */
    public record DecidedBy(@JsonProperty("role") String role, @JsonProperty("seat_tier") String seatTier,
                            @JsonProperty("spend_limit") String spendLimit) {
    }

    /** The columns role, capabilities, seat_tier, spend_limit_amount, spend_limit_currency and the three decided_by, from {@code first}; null if role_decided_by is null (no row). */
    public static MemberAccess read(ResultSet rs, int first) throws SQLException {
        if (rs.getString(first + 5) == null) {
            return null;
        }
        Array capabilities = rs.getArray(first + 1);
        Long amount = rs.getObject(first + 3, Long.class);
        return new MemberAccess(rs.getString(first),
                capabilities == null ? List.of() : Arrays.asList((String[]) capabilities.getArray()),
                rs.getString(first + 2), amount == null ? null : new GroupMappingSet.SpendLimit(amount, rs.getString(first + 4)),
                new DecidedBy(rs.getString(first + 5), rs.getString(first + 6), rs.getString(first + 7)));
    }

    /** The select list {@link #read} expects, for table alias {@code a}. */
    public static final String COLUMNS = "a.role, a.capabilities, a.seat_tier, a.spend_limit_amount, "
            + "a.spend_limit_currency, a.role_decided_by, a.seat_tier_decided_by, a.spend_limit_decided_by";
}
