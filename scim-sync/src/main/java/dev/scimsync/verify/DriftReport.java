package dev.scimsync.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The result of comparing one organization's directory in WorkOS with the organization database. */
public record DriftReport(String organizationId, Instant checkedAt, List<String> directoryIds, int workosRequests,
                          Duration scanTook, EntityDrift members, EntityDrift groups, EntityDrift memberships) {

    public DriftReport {
        directoryIds = List.copyOf(directoryIds);
    }

    public boolean inSync() {
        return members.inSync() && groups.inSync() && memberships.inSync();
    }

    /** The admin API's JSON shape (snake_case keys). */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("organization_id", organizationId);
        json.put("in_sync", inSync());
        json.put("checked_at", checkedAt.toString());
        json.put("directories", directoryIds);
        json.put("workos_requests", workosRequests);
        json.put("scan_seconds", scanTook.toMillis() / 1000.0);
        json.put("members", members.toJson());
        json.put("groups", groups.toJson());
        json.put("memberships", memberships.toJson());
        return json;
    }
}
