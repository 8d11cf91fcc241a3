package dev.scimsync.poller.resync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.EventTypes;
import dev.scimsync.core.serde.Json;

/**
 * The items of one resync's snapshot, built page by page as the scan streams them (see
 * {@link dev.scimsync.poller.directory.DirectoryScanner.Pages}), then its end marker, which announces how many items
 * came before it so the processor sweeps only after applying all of them. Holds no user: only the counts, the
 * sequence of event ids and the groups of the directory being scanned (a membership item carries the group as the
 * groups list has it; a user's own list may be abridged). Items are the same as a whole-organization snapshot's;
 * their order is per page (a page's users, then their memberships) instead of all users, then all memberships.
 */
final class ResyncSnapshot {

    private final String resyncId;
    private final ResyncRequest request;
    private final Instant scanStartedAt;
    private final Map<String, JsonNode> groupsById = new HashMap<>();
    private String groupsOf;
    private int sequence = 1;
    private int users;
    private int groups;
    private int memberships;

    ResyncSnapshot(String resyncId, ResyncRequest request, Instant scanStartedAt) {
        this.resyncId = resyncId;
        this.request = request;
        this.scanStartedAt = scanStartedAt;
    }

    /** The items of a page of the directory's groups (none when the scope leaves groups out). */
    List<EventEnvelope> groups(String directoryId, List<JsonNode> page, Instant ingestedAt) {
        if (!request.scope().groups()) {
            return List.of();
        }
        holdGroupsOf(directoryId);
        List<EventEnvelope> records = new ArrayList<>(page.size());
        for (JsonNode group : page) {
            groupsById.put(group.path("id").asText(), group);
            records.add(item(EventTypes.RESYNC_GROUP, group, ingestedAt));
            groups++;
        }
        return records;
    }

    /** The items of a page of the directory's users: each user in scope, then each membership in scope. */
    List<EventEnvelope> users(String directoryId, List<JsonNode> page, Instant ingestedAt) {
        holdGroupsOf(directoryId);
        List<EventEnvelope> records = new ArrayList<>();
        // one copy of each user without its groups, shared by its item and its memberships' items
        List<JsonNode> plainUsers = new ArrayList<>(page.size());
        page.forEach(u -> plainUsers.add(withoutGroups(u)));
        if (request.scope().members()) {
            for (JsonNode user : plainUsers) {
                records.add(item(EventTypes.RESYNC_USER, user, ingestedAt));
                users++;
            }
        }
        if (request.scope().groups()) {
            for (int u = 0; u < page.size(); u++) {
                JsonNode user = page.get(u);
                for (JsonNode listed : user.path("groups")) {
                    // the full group object where the groups list has it (the user's list may be abridged)
                    JsonNode group = groupsById.getOrDefault(listed.path("id").asText(), listed);
                    ObjectNode pair = Json.MAPPER.createObjectNode();
                    pair.put("directory_id", user.path("directory_id").asText(null));
                    pair.set("user", plainUsers.get(u));
                    pair.set("group", group);
                    records.add(item(EventTypes.RESYNC_MEMBERSHIP, pair, ingestedAt));
                    memberships++;
                }
            }
        }
        return records;
    }

    /** Items built so far. */
    int items() {
        return users + groups + memberships;
    }

    /** The end marker: how many items of each kind came before it, and the directories scanned. */
    EventEnvelope end(List<String> directoryIds, Instant ingestedAt) {
        ObjectNode end = Json.MAPPER.createObjectNode()
                .put("resync_id", resyncId)
                .put("organization_id", request.organizationId())
                .put("users", users)
                .put("groups", groups)
                .put("memberships", memberships);
        end.set("directories", Json.MAPPER.valueToTree(directoryIds));
        return ResyncEvents.envelope(resyncId, sequence, EventTypes.RESYNC_END, request.organizationId(), end,
                scanStartedAt, ingestedAt);
    }

    /** Groups are held for one directory at a time: a user's groups are its directory's. */
    private void holdGroupsOf(String directoryId) {
        if (!directoryId.equals(groupsOf)) {
            groupsById.clear();
            groupsOf = directoryId;
        }
    }

    private EventEnvelope item(String type, JsonNode data, Instant ingestedAt) {
        return ResyncEvents.envelope(resyncId, sequence++, type, request.organizationId(), data, scanStartedAt,
                ingestedAt);
    }

    private static JsonNode withoutGroups(JsonNode user) {
        if (!user.has("groups")) {
            return user;
        }
        ObjectNode copy = user.deepCopy();
        copy.remove("groups");
        return copy;
    }
}
