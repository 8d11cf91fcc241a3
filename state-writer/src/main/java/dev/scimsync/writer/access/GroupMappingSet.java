package dev.scimsync.writer.access;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An organization's whole access configuration, as {@code GET/PUT /api/organizations/{id}/group-mappings} carry it
 * and as it is replaced: in one transaction, all of it.
 *
 * @param advancedGroupMappings whether mappings decide access (off: stored, ignored, defaults apply)
 * @param defaults              role and seat tier of a member in no mapped group
 * @param seatTiers             the seat tiers, lowest first; null for the default list
 * @param roles                 custom roles (the built-ins are not listed)
 * @param mappings              directory group → role, seat tier, spend limit, priority
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GroupMappingSet(
        @JsonProperty("advanced_group_mappings") Boolean advancedGroupMappings,
        @JsonProperty("default") Defaults defaults,
        @JsonProperty("seat_tiers") List<String> seatTiers,
        @JsonProperty("roles") List<CustomRole> roles,
        @JsonProperty("mappings") List<Mapping> mappings) {

    public record Defaults(@JsonProperty("role") String role, @JsonProperty("seat_tier") String seatTier) {
    }

    public record CustomRole(@JsonProperty("name") String name,
                             @JsonProperty("capabilities") List<String> capabilities) {
    }

    /** A monthly spend limit in minor units of {@code currency} (ISO 4217). */
    public record SpendLimit(@JsonProperty("amount") Long amount, @JsonProperty("currency") String currency) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Mapping(@JsonProperty("directory_group_id") String directoryGroupId,
                          @JsonProperty("role") String role,
                          @JsonProperty("seat_tier") String seatTier,
                          @JsonProperty("spend_limit") SpendLimit spendLimit,
                          @JsonProperty("priority") Integer priority) {
    }

    /** What an organization that never set anything has. */
    public static GroupMappingSet initial() {
        return new GroupMappingSet(false, new Defaults(AccessStatements.DEFAULT_ROLE, AccessStatements.DEFAULT_SEAT_TIER),
                AccessStatements.DEFAULT_SEAT_TIERS, List.of(), List.of());
    }

    /** The set with absent optional parts filled in (advanced mappings off, default tiers, no roles or mappings). */
    public GroupMappingSet normalized() {
        GroupMappingSet initial = initial();
        // entries may be null (validation names them): no List.copyOf
        return new GroupMappingSet(advancedGroupMappings != null ? advancedGroupMappings : false,
                defaults != null ? defaults : initial.defaults(),
                seatTiers != null ? Collections.unmodifiableList(new ArrayList<>(seatTiers)) : initial.seatTiers(),
                roles != null ? Collections.unmodifiableList(new ArrayList<>(roles)) : List.of(),
                mappings != null ? Collections.unmodifiableList(new ArrayList<>(mappings)) : List.of());
    }
}
