package dev.scimsync.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of comparing one organization's directory in WorkOS with the organization database.
 *
 * @param rechecked   users and groups fetched again from WorkOS because the first comparison found them different
 * @param unconfirmed differences counted as the scan found them, without a recheck (beyond the recheck limit)
 */
public record DriftReport(String organizationId, Instant checkedAt, List<String> directoryIds, int workosRequests,
                          Duration scanTook, EntityDrift members, EntityDrift groups, EntityDrift memberships,
                          int rechecked, int unconfirmed) {

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
        json.put("rechecked", rechecked);
        json.put("unconfirmed", unconfirmed);
        json.put("members", members.toJson());
        json.put("groups", groups.toJson());
        json.put("memberships", memberships.toJson());
        return json;
    }
}
