package dev.scimsync.poller.resync;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.EventSource;
import dev.scimsync.core.event.EventTypes;
import dev.scimsync.core.serde.Json;

/**
 * The records of one resync on the events topic: a begin marker (before the scan), then one item per user,
 * group and membership in scope, published in chunks while the scan runs ({@link ResyncSnapshot}), and an end
 * marker (after it). Items carry the WorkOS objects as listed; every
 * record's {@code created_at} is the time the scan began, so any live event WorkOS created after that wins over
 * the snapshot (the processor orders memberships by it), while the snapshot wins over older events.
 * Pure: the same pages give the same records.
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

    static EventEnvelope envelope(String resyncId, int sequence, String type, String org, JsonNode data,
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
