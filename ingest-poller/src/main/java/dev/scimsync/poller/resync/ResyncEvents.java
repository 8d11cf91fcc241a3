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
 * The records of one resync on the events topic: a begin marker (before the scan), then one item per user,
 * group and membership in scope and an end marker (after it). Items carry the WorkOS objects as listed; every
 * record's {@code created_at} is the time the scan began, so any live event WorkOS created after that wins over
 * the snapshot (the processor orders memberships by it), while the snapshot wins over older events.
 * Pure: the same scan gives the same records.
 */
public final class ResyncEvents {

    private ResyncEvents() {
    }

    /**
     * The begin marker, published (and committed) before the scan starts: every live event WorkOS creates after
     * that is published behind it, so the processor sees which entities changed while the scan ran.
     */
    public static EventEnvelope begin(String resyncId, ResyncRequest request, Instant scanStartedAt,
                                      Instant ingestedAt) {
        ObjectNode begin = Json.MAPPER.createObjectNode()
                .put("resync_id", resyncId)
                .put("organization_id", request.organizationId())
                .put("scope", request.scope().wireValue())
                .put("dry_run", request.dryRun())
                .put("force", request.force())
                .put("max_removal_percent", request.maxRemovalPercent())
                .put("max_removal_count", request.maxRemovalCount())
                .put("scan_started_at", scanStartedAt.toString());
        return envelope(resyncId, 0, EventTypes.RESYNC_BEGIN, request.organizationId(), begin, scanStartedAt,
                ingestedAt);
    }

    /** The snapshot's items in scope and the end marker, for one transaction after the scan. */
    public static List<EventEnvelope> snapshot(String resyncId, ResyncRequest request, OrganizationScan scan,
                                               Instant scanStartedAt, Instant ingestedAt) {
        String org = request.organizationId();
        List<EventEnvelope> records = new ArrayList<>();
        int sequence = 1;
        int users = 0;
        int groups = 0;
        int memberships = 0;
        if (request.scope().groups()) {
            for (JsonNode group : scan.groups()) {
                records.add(envelope(resyncId, sequence++, EventTypes.RESYNC_GROUP, org, group, scanStartedAt,
                        ingestedAt));
                groups++;
            }
        }
        // one copy of each user without its groups, shared by its item and its memberships' items
        List<JsonNode> plainUsers = new ArrayList<>(scan.users().size());
        scan.users().forEach(u -> plainUsers.add(withoutGroups(u)));
        if (request.scope().members()) {
            for (JsonNode user : plainUsers) {
                records.add(envelope(resyncId, sequence++, EventTypes.RESYNC_USER, org, user, scanStartedAt,
                        ingestedAt));
                users++;
            }
        }
        if (request.scope().groups()) {
            Map<String, JsonNode> groupsById = new HashMap<>();
            scan.groups().forEach(g -> groupsById.put(g.path("id").asText(), g));
            for (int u = 0; u < scan.users().size(); u++) {
                JsonNode user = scan.users().get(u);
                for (JsonNode listed : user.path("groups")) {
                    // the full group object where the groups list has it (the user's list may be abridged)
                    JsonNode group = groupsById.getOrDefault(listed.path("id").asText(), listed);
                    ObjectNode pair = Json.MAPPER.createObjectNode();
                    pair.put("directory_id", user.path("directory_id").asText(null));
                    pair.set("user", plainUsers.get(u));
                    pair.set("group", group);
                    records.add(envelope(resyncId, sequence++, EventTypes.RESYNC_MEMBERSHIP, org, pair,
                            scanStartedAt, ingestedAt));
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
        end.set("directories", Json.MAPPER.valueToTree(scan.directoryIds()));
        records.add(envelope(resyncId, sequence, EventTypes.RESYNC_END, org, end, scanStartedAt, ingestedAt));
        return records;
    }

    /** The end marker of a resync whose scan failed: the processor forgets it and sweeps nothing. */
    public static EventEnvelope aborted(String resyncId, String organizationId, String reason, Instant scanStartedAt,
                                        Instant ingestedAt) {
        ObjectNode end = Json.MAPPER.createObjectNode()
                .put("resync_id", resyncId)
                .put("organization_id", organizationId)
                .put("aborted", true)
                .put("reason", reason);
        return envelope(resyncId, 99_999_999, EventTypes.RESYNC_END, organizationId, end, scanStartedAt, ingestedAt);
    }

    private static JsonNode withoutGroups(JsonNode user) {
        if (!user.has("groups")) {
            return user;
        }
        ObjectNode copy = user.deepCopy();
        copy.remove("groups");
        return copy;
    }

    private static EventEnvelope envelope(String resyncId, int sequence, String type, String org, JsonNode data,
                                          Instant createdAt, Instant ingestedAt) {
        String id = resyncId + "_" + String.format("%08d", sequence);
        ObjectNode event = Json.MAPPER.createObjectNode()
                .put("object", "event")
                .put("id", id)
                .put("event", type)
                .put("created_at", createdAt.toString());
        event.set("data", data);
        return new EventEnvelope(org, id, type, createdAt, EventSource.RESYNC, resyncId, ingestedAt, event);
    }
}
