package dev.scimsync.poller.resync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.EventSource;
import dev.scimsync.core.event.EventTypes;
import dev.scimsync.core.serde.Json;
import dev.scimsync.poller.directory.OrganizationScan;

/**
 * Turns a scan into the records of one resync on the events topic: a begin marker, one item per user, group
 * and membership in scope, and an end marker. Items carry the WorkOS objects as listed; every record's
 * {@code created_at} is the time the scan began, so any live event WorkOS created after that wins over
 * the snapshot (the processor orders memberships by it), while the snapshot wins over older events.
 * Pure: the same scan gives the same records.
 */
public final class ResyncEvents {

    private ResyncEvents() {
    }

    public static List<EventEnvelope> build(String resyncId, ResyncRequest request, OrganizationScan scan,
                                            Instant scanStartedAt, Instant ingestedAt) {
        String org = request.organizationId();
        List<EventEnvelope> records = new ArrayList<>();
        int[] sequence = {0};
        ObjectNode begin = Json.MAPPER.createObjectNode()
                .put("resync_id", resyncId)
                .put("organization_id", org)
                .put("scope", request.scope().wireValue())
                .put("dry_run", request.dryRun())
                .put("force", request.force())
                .put("max_removal_percent", request.maxRemovalPercent())
                .put("max_removal_count", request.maxRemovalCount())
                .put("scan_started_at", scanStartedAt.toString());
        begin.set("directories", Json.MAPPER.valueToTree(scan.directoryIds()));
        records.add(envelope(resyncId, sequence, EventTypes.RESYNC_BEGIN, org, begin, scanStartedAt, ingestedAt));

        int users = 0;
        int groups = 0;
        int memberships = 0;
        if (request.scope().groups()) {
            for (JsonNode group : scan.groups()) {
                records.add(envelope(resyncId, sequence, EventTypes.RESYNC_GROUP, org, group, scanStartedAt,
                        ingestedAt));
                groups++;
            }
        }
        if (request.scope().members()) {
            for (JsonNode user : scan.users()) {
                records.add(envelope(resyncId, sequence, EventTypes.RESYNC_USER, org, withoutGroups(user),
                        scanStartedAt, ingestedAt));
                users++;
            }
        }
        if (request.scope().groups()) {
            Map<String, JsonNode> groupsById = new HashMap<>();
            scan.groups().forEach(g -> groupsById.put(g.path("id").asText(), g));
            for (JsonNode user : scan.users()) {
                for (JsonNode listed : user.path("groups")) {
                    // the full group object where the groups list has it (the user's list may be abridged)
                    JsonNode group = groupsById.getOrDefault(listed.path("id").asText(), listed);
                    ObjectNode pair = Json.MAPPER.createObjectNode();
                    pair.put("directory_id", user.path("directory_id").asText(null));
                    pair.set("user", withoutGroups(user));
                    pair.set("group", group);
                    records.add(envelope(resyncId, sequence, EventTypes.RESYNC_MEMBERSHIP, org, pair, scanStartedAt,
                            ingestedAt));
                    memberships++;
                }
            }
        }
        ObjectNode end = Json.MAPPER.createObjectNode()
                .put("resync_id", resyncId)
                .put("organization_id", org)
                .put("users", users)
                .put("groups", groups)
                .put("memberships", memberships);
        records.add(envelope(resyncId, sequence, EventTypes.RESYNC_END, org, end, scanStartedAt, ingestedAt));
        return records;
    }

    private static JsonNode withoutGroups(JsonNode user) {
        if (!user.has("groups")) {
            return user;
        }
        ObjectNode copy = user.deepCopy();
        copy.remove("groups");
        return copy;
    }

    private static EventEnvelope envelope(String resyncId, int[] sequence, String type, String org, JsonNode data,
                                          Instant createdAt, Instant ingestedAt) {
        String id = resyncId + "_" + String.format("%08d", sequence[0]++);
        ObjectNode event = Json.MAPPER.createObjectNode()
                .put("object", "event")
                .put("id", id)
                .put("event", type)
                .put("created_at", createdAt.toString());
        event.set("data", data);
        return new EventEnvelope(org, id, type, createdAt, EventSource.RESYNC, resyncId, ingestedAt, event);
    }
}
