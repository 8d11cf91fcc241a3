package dev.scimsync.verify;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.event.DirectoryUsers;
import dev.scimsync.poller.directory.OrganizationScan;
import dev.scimsync.writer.query.DirectoryRows;

/**
 * One side of a drift check, WorkOS or the database, reduced to what the sync writes: each member's directory,
 * email, names and state and each group's directory and name, by WorkOS id, and memberships as
 * {@code group/user} keys.
 */
record DirectoryView(Map<String, Map<String, String>> members, Map<String, Map<String, String>> groups,
                     Set<String> memberships) {

    DirectoryView {
        members = Map.copyOf(members);
        groups = Map.copyOf(groups);
        memberships = Set.copyOf(memberships);
    }

    static DirectoryView of(OrganizationScan scan) {
        return ofWorkos(scan.users(), scan.groups());
    }

    /** WorkOS users (each with its {@code groups}) and groups, as listed or fetched one by one. */
    static DirectoryView ofWorkos(Iterable<JsonNode> users, Iterable<JsonNode> groups) {
        Map<String, Map<String, String>> members = new HashMap<>();
        Set<String> memberships = new HashSet<>();
        for (JsonNode user : users) {
            String id = user.path("id").asText();
            members.put(id, memberFields(user.path("directory_id").asText(null), DirectoryUsers.email(user),
                    DirectoryUsers.text(user, "first_name"), DirectoryUsers.text(user, "last_name"),
                    DirectoryUsers.text(user, "state")));
            for (JsonNode group : user.path("groups")) {
                memberships.add(membershipKey(group.path("id").asText(), id));
            }
        }
        Map<String, Map<String, String>> groupFields = new HashMap<>();
        for (JsonNode group : groups) {
            groupFields.put(group.path("id").asText(), groupFields(group.path("directory_id").asText(null),
                    DirectoryUsers.text(group, "name")));
        }
        return new DirectoryView(members, groupFields, memberships);
    }

    static DirectoryView of(DirectoryRows rows) {
        Map<String, Map<String, String>> members = new HashMap<>();
        rows.members().forEach(m -> members.put(m.directoryUserId(),
                memberFields(m.directoryId(), m.email(), m.firstName(), m.lastName(), m.state())));
        Map<String, Map<String, String>> groups = new HashMap<>();
        rows.groups().forEach(g -> groups.put(g.directoryGroupId(), groupFields(g.directoryId(), g.name())));
        Set<String> memberships = new HashSet<>();
        rows.memberships().forEach(m -> memberships.add(membershipKey(m.directoryGroupId(), m.directoryUserId())));
        return new DirectoryView(members, groups, memberships);
    }

    /** Only these users (as members and in memberships) and these groups (as groups). */
    DirectoryView only(Set<String> userIds, Set<String> groupIds) {
        Map<String, Map<String, String>> someMembers = new HashMap<>(members);
        someMembers.keySet().retainAll(userIds);
        Map<String, Map<String, String>> someGroups = new HashMap<>(groups);
        someGroups.keySet().retainAll(groupIds);
        Set<String> someMemberships = new HashSet<>();
        memberships.stream().filter(key -> userIds.contains(userOf(key))).forEach(someMemberships::add);
        return new DirectoryView(someMembers, someGroups, someMemberships);
    }

    static String membershipKey(String groupId, String userId) {
        return groupId + "/" + userId;
    }

    static String userOf(String membershipKey) {
        return membershipKey.substring(membershipKey.indexOf('/') + 1);
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
}
