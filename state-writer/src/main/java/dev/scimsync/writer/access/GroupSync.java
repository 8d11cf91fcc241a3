package dev.scimsync.writer.access;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a change of group mappings did or would do (a "group sync"): {@code state} {@code applied}, {@code previewed}
 * (dry run: nothing changed) or {@code held} (it would downgrade more members than the organization's limits allow:
 * nothing changed; send it again with force).
 *
 * @param syncRunId  the {@code sync_runs} id (kind {@code group_sync})
 * @param changes    counts: members whose access changes, seats per tier before and after
 * @param downgrades members who would lose a capability, their seat or go to a lower seat tier
 * @param members    the first {@value GroupMappingService#LISTED_CHANGES} members whose role or seat tier changes
 */
public record GroupSync(
        @JsonProperty("state") String state,
        @JsonProperty("sync_run_id") String syncRunId,
        @JsonProperty("changes") Changes changes,
        @JsonProperty("downgrades") long downgrades,
        @JsonProperty("limits") Limits limits,
        @JsonProperty("note") String note,
        @JsonProperty("members") List<MemberChange> members) {

    public static final String APPLIED = "applied";
    public static final String PREVIEWED = "previewed";
    public static final String HELD = "held";

    public record Changes(@JsonProperty("members") long members,
                          @JsonProperty("role") long roleChanges,
                          @JsonProperty("seat_tier") long seatTierChanges,
                          @JsonProperty("by_tier") Map<String, TierCount> byTier) {
    }

    public record TierCount(@JsonProperty("before") long before, @JsonProperty("after") long after) {
    }

    /** The removal safeguard's limits as they applied (the organization's, else the defaults). */
    public record Limits(@JsonProperty("max_removal_count") int maxCount,
                         @JsonProperty("max_removal_percent") int maxPercent,
                         @JsonProperty("present_members") long presentMembers) {

        boolean exceededBy(long downgrades) {
            return downgrades > maxCount || downgrades * 100 > (long) maxPercent * presentMembers;
        }
    }

    public record MemberChange(@JsonProperty("member_id") long memberId,
                               @JsonProperty("directory_user_id") String directoryUserId,
                               @JsonProperty("email") String email,
                               @JsonProperty("role_before") String roleBefore,
                               @JsonProperty("role_after") String roleAfter,
                               @JsonProperty("seat_tier_before") String seatTierBefore,
                               @JsonProperty("seat_tier_after") String seatTierAfter,
                               @JsonProperty("downgrade") boolean downgrade) {
    }
}
