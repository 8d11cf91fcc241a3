package dev.scimsync.writer.access;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a {@link GroupMappingSet} (normalized) against the organization's present groups and lists every problem,
 * so that an admin fixes them all at once.
 */
final class MappingValidation {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.:-]{0,63}");
    private static final Pattern CAPABILITY = Pattern.compile("[A-Za-z0-9_.:*-]{1,128}");
    /** The admin API reads at most 64 KiB of body: about 400 mappings. */
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    static final int MAX_MAPPINGS = 1_000;
    static final int MAX_ROLES = 200;

    private MappingValidation() {
    }

    /**
     * @param requested     the set as sent: a replacement must say whether advanced mappings are on and what the
     *                      defaults are (an empty body must not quietly turn everything off)
     * @param set           the same, normalized
     * @param knownGroups   present groups, and groups mapped now (a mapping outlives its group: re-sending the set
     *                      as read must pass)
     */
    static List<String> problems(GroupMappingSet requested, GroupMappingSet set, Set<String> knownGroups) {
        List<String> problems = new ArrayList<>();
        if (requested.advancedGroupMappings() == null) {
            problems.add("advanced_group_mappings is required (true or false)");
        }
        if (requested.defaults() == null) {
            problems.add("default is required ({\"role\": …, \"seat_tier\": …})");
        }
        List<String> tiers = set.seatTiers();
        if (tiers.isEmpty()) {
            problems.add("seat_tiers must name at least one tier");
        }
        Set<String> tierNames = new HashSet<>();
        for (String tier : tiers) {
            if (tier == null || !NAME.matcher(tier).matches()) {
                problems.add("seat tier '" + tier + "' must be lower-case letters, digits, _ . : - (at most 64)");
            } else if (!tierNames.add(tier)) {
                problems.add("seat tier '" + tier + "' is listed twice");
            }
        }
        Set<String> roleNames = new HashSet<>(Roles.BUILT_IN.keySet());
        if (set.roles().size() > MAX_ROLES) {
            problems.add("at most " + MAX_ROLES + " custom roles");
        }
        for (GroupMappingSet.CustomRole role : set.roles()) {
            if (role == null || role.name() == null || !NAME.matcher(role.name()).matches()) {
                problems.add("role name '" + (role == null ? null : role.name())
                        + "' must be lower-case letters, digits, _ . : - (at most 64)");
                continue;
            }
            if (Roles.isBuiltIn(role.name())) {
                problems.add("role '" + role.name() + "' is built in and cannot be redefined");
            } else if (!roleNames.add(role.name())) {
                problems.add("role '" + role.name() + "' is defined twice");
            }
            if (role.capabilities() == null) {
                problems.add("role '" + role.name() + "' has no capabilities list");
            } else {
                role.capabilities().stream().filter(c -> c == null || !CAPABILITY.matcher(c).matches()).forEach(c ->
                        problems.add("role '" + role.name() + "': capability '" + c + "' must be 1-128 of A-Z a-z 0-9 _ . : -"));
                if (role.capabilities().contains(Roles.EVERYTHING)) {
                    problems.add("role '" + role.name() + "': capability * (every capability) is only the owner's");
                }
            }
        }
        GroupMappingSet.Defaults defaults = set.defaults();
        if (defaults.role() == null || !roleNames.contains(defaults.role())) {
            problems.add("default role '" + defaults.role() + "' is unknown");
        } else if (Roles.OWNER.equals(defaults.role())) {
            problems.add("default role cannot be owner");
        }
        if (defaults.seatTier() == null || !tierNames.contains(defaults.seatTier())) {
            problems.add("default seat tier '" + defaults.seatTier() + "' is not in seat_tiers");
        }
        if (set.mappings().size() > MAX_MAPPINGS) {
            problems.add("at most " + MAX_MAPPINGS + " mappings");
        }
        Set<String> groups = new HashSet<>();
        Set<Integer> priorities = new HashSet<>();
        for (GroupMappingSet.Mapping mapping : set.mappings()) {
            if (mapping == null) {
                problems.add("a mapping is null");
                continue;
            }
            String group = mapping.directoryGroupId();
            String where = "mapping of " + group;
            if (group == null) {
                problems.add("a mapping has no directory_group_id");
            } else if (!knownGroups.contains(group)) {
                problems.add(where + ": unknown group (not a present group of the organization)");
            } else if (!groups.add(group)) {
                problems.add(where + ": the group is mapped twice");
            }
            if (mapping.role() == null || !roleNames.contains(mapping.role())) {
                problems.add(where + ": unknown role '" + mapping.role() + "'");
            } else if (Roles.OWNER.equals(mapping.role())) {
                problems.add(where + ": role owner is only the Primary Owner's");
            }
            if (mapping.seatTier() == null || !tierNames.contains(mapping.seatTier())) {
                problems.add(where + ": seat tier '" + mapping.seatTier() + "' is not in seat_tiers");
            }
            if (mapping.priority() == null) {
                problems.add(where + ": priority is missing");
            } else if (!priorities.add(mapping.priority())) {
                problems.add(where + ": duplicate priority " + mapping.priority());
            }
            GroupMappingSet.SpendLimit limit = mapping.spendLimit();
            if (limit != null) {
                if (limit.amount() == null) {
                    problems.add(where + ": spend_limit.amount is missing");
                } else if (limit.amount() < 0) {
                    problems.add(where + ": negative spend limit " + limit.amount());
                }
                if (limit.currency() == null || !CURRENCY.matcher(limit.currency()).matches()) {
                    problems.add(where + ": spend_limit.currency '" + limit.currency() + "' must be an ISO 4217 code (USD)");
                }
            }
        }
        return problems;
    }
}
