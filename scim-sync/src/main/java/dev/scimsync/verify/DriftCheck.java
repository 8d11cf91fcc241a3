package dev.scimsync.verify;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.event.DirectoryUsers;
import dev.scimsync.poller.directory.OrganizationScan;
import dev.scimsync.writer.query.DirectoryRows;

/**
 * Compares what WorkOS lists for an organization with what the database holds, field by field for the
 * fields the sync writes (a member's directory, email, names and state; a group's directory and name) and
 * by key for memberships. Pure: the same inputs give the same report.
 */
public final class DriftCheck {

    private DriftCheck() {
    }

    /**
     * @param maxExamples how many ids to name per kind of difference (sorted, so reports are stable)
     */
    public static DriftReport compare(OrganizationScan scan, DirectoryRows rows, Instant checkedAt, int maxExamples) {
        Map<String, Map<String, String>> workosMembers = new HashMap<>();
        Set<String> workosMemberships = new HashSet<>();
        for (JsonNode user : scan.users()) {
            String id = user.path("id").asText();
            workosMembers.put(id, memberFields(user.path("directory_id").asText(null), DirectoryUsers.email(user),
                    DirectoryUsers.text(user, "first_name"), DirectoryUsers.text(user, "last_name"),
                    DirectoryUsers.text(user, "state")));
            for (JsonNode group : user.path("groups")) {
                workosMemberships.add(group.path("id").asText() + "/" + id);
            }
        }
        Map<String, Map<String, String>> workosGroups = new HashMap<>();
        for (JsonNode group : scan.groups()) {
            workosGroups.put(group.path("id").asText(), groupFields(group.path("directory_id").asText(null),
                    DirectoryUsers.text(group, "name")));
        }

        Map<String, Map<String, String>> dbMembers = new HashMap<>();
        rows.members().forEach(m -> dbMembers.put(m.directoryUserId(),
                memberFields(m.directoryId(), m.email(), m.firstName(), m.lastName(), m.state())));
        Map<String, Map<String, String>> dbGroups = new HashMap<>();
        rows.groups().forEach(g -> dbGroups.put(g.directoryGroupId(), groupFields(g.directoryId(), g.name())));
        Set<String> dbMemberships = new HashSet<>();
        rows.memberships().forEach(m -> dbMemberships.add(m.directoryGroupId() + "/" + m.directoryUserId()));

        return new DriftReport(scan.organizationId(), checkedAt, scan.directoryIds(), scan.requests(), scan.took(),
                diff(workosMembers, dbMembers, maxExamples), diff(workosGroups, dbGroups, maxExamples),
                diff(asMap(workosMemberships), asMap(dbMemberships), maxExamples));
    }

    private static Map<String, String> memberFields(String directoryId, String email, String firstName,
                                                    String lastName, String state) {
        Map<String, String> fields = new TreeMap<>();
        fields.put("directory_id", directoryId);
        fields.put("email", email);
        fields.put("first_name", firstName);
        fields.put("last_name", lastName);
        fields.put("state", state);
        return fields;
    }

    private static Map<String, String> groupFields(String directoryId, String name) {
        Map<String, String> fields = new TreeMap<>();
        fields.put("directory_id", directoryId);
        fields.put("name", name);
        return fields;
    }

    private static Map<String, Map<String, String>> asMap(Set<String> keys) {
        Map<String, Map<String, String>> map = new HashMap<>();
        keys.forEach(k -> map.put(k, Map.of()));
        return map;
    }

    private static EntityDrift diff(Map<String, Map<String, String>> workos, Map<String, Map<String, String>> database,
                                    int maxExamples) {
        TreeSet<String> missing = new TreeSet<>();
        TreeSet<String> extra = new TreeSet<>();
        TreeMap<String, List<String>> changed = new TreeMap<>();
        workos.forEach((id, fields) -> {
            Map<String, String> stored = database.get(id);
            if (stored == null) {
                missing.add(id);
                return;
            }
            List<String> differing = new ArrayList<>();
            fields.forEach((name, value) -> {
                if (!Objects.equals(value, stored.get(name))) {
                    differing.add(name);
                }
            });
            if (!differing.isEmpty()) {
                changed.put(id, differing);
            }
        });
        database.keySet().stream().filter(id -> !workos.containsKey(id)).forEach(extra::add);
        return new EntityDrift(workos.size(), database.size(), missing.size(), extra.size(), changed.size(),
                missing.stream().limit(maxExamples).toList(), extra.stream().limit(maxExamples).toList(),
                changed.entrySet().stream().limit(maxExamples)
                        .map(e -> new EntityDrift.Change(e.getKey(), e.getValue())).toList());
    }
}
