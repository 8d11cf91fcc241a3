package dev.scimsync.resync;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.scimsync.core.event.ResyncScope;
import dev.scimsync.poller.resync.ResyncRequest;
import dev.scimsync.poller.resync.Resyncer;
import dev.scimsync.writer.query.OrganizationQueries;
import dev.scimsync.writer.query.OrganizationStatus;

/**
 * What the admin API asks of a resync: the request with the organization's own safeguard limits (from the
 * database, where this process has it) or the configured defaults, and the progress this process knows.
 */
public final class ResyncService {

    private final Resyncer resyncer;
    private final OrganizationQueries queries;
    private final int defaultMaxRemovalPercent;
    private final int defaultMaxRemovalCount;

    /**
     * @param queries the organization database, or {@code null} where this process has none (defaults apply)
     */
    public ResyncService(Resyncer resyncer, OrganizationQueries queries, int defaultMaxRemovalPercent,
                         int defaultMaxRemovalCount) {
        this.resyncer = resyncer;
        this.queries = queries;
        this.defaultMaxRemovalPercent = defaultMaxRemovalPercent;
        this.defaultMaxRemovalCount = defaultMaxRemovalCount;
    }

    /**
     * @throws IllegalArgumentException for a bad scope
     * @throws dev.scimsync.poller.resync.ResyncInProgressException when the organization already has a resync
     *                                                               queued or scanning here
     */
    public Map<String, Object> start(String organizationId, String scope, boolean dryRun, boolean force) {
        ResyncScope parsed = ResyncScope.parse(scope == null ? "both" : scope);
        int percent = defaultMaxRemovalPercent;
        int count = defaultMaxRemovalCount;
        if (queries != null) {
            try {
                Optional<OrganizationStatus> org = queries.status(organizationId);
                if (org.isPresent() && org.get().maxRemovalPercent() != null) {
                    percent = org.get().maxRemovalPercent();
                }
                if (org.isPresent() && org.get().maxRemovalCount() != null) {
                    count = org.get().maxRemovalCount();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("reading the safeguard limits of " + organizationId + " failed: "
                        + e.getMessage(), e);
            }
        }
        Resyncer.Progress progress = resyncer.start(new ResyncRequest(organizationId, parsed, dryRun, force, percent,
                count));
        Map<String, Object> json = json(progress);
        json.put("max_removal_percent", percent);
        json.put("max_removal_count", count);
        json.put("force", force);
        return json;
    }

    public Optional<Map<String, Object>> progress(String organizationId) {
        return resyncer.inFlight(organizationId).map(ResyncService::json);
    }

    private static Map<String, Object> json(Resyncer.Progress p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("resync_id", p.resyncId());
        json.put("organization_id", p.organizationId());
        json.put("scope", p.scope());
        json.put("dry_run", p.dryRun());
        json.put("phase", p.phase());
        json.put("started_at", p.startedAt() == null ? null : p.startedAt().toString());
        json.put("finished_at", p.finishedAt() == null ? null : p.finishedAt().toString());
        json.put("records", p.records());
        json.put("error", p.error());
        return json;
    }
}
