package dev.scimsync.resync;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import dev.scimsync.core.event.ResyncScope;
import dev.scimsync.poller.resync.ResyncRequest;
import dev.scimsync.poller.resync.Resyncer;
import dev.scimsync.workos.DirectoryLookup;
import dev.scimsync.workos.UnknownOrganizationException;
import dev.scimsync.writer.query.OrganizationQueries;
import dev.scimsync.writer.query.OrganizationStatus;

/**
 * What the admin API asks of a resync: the request with the organization's own safeguard limits (from the
 * database, where this process has it) or the configured defaults, and the progress this process knows. A
 * resync is started only for an organization WorkOS knows: its markers would otherwise create the organization
 * in the database.
 */
public final class ResyncService {

    /** What this process knows of a resync ({@code GET /api/organizations/{id}/resync}). */
    public record Progress(String resyncId, String organizationId, String scope, boolean dryRun, String phase,
                           Instant startedAt, Instant finishedAt, Integer records, String error) {

        static Progress of(Resyncer.Progress p) {
            return new Progress(p.resyncId(), p.organizationId(), p.scope(), p.dryRun(), p.phase(), p.startedAt(),
                    p.finishedAt(), p.records(), p.error());
        }
    }

    /** A queued resync with the safeguard it runs under (the answer to {@code POST …/resync}). */
    public record Queued(String resyncId, String organizationId, String scope, boolean dryRun, String phase,
                         Instant startedAt, int maxRemovalPercent, int maxRemovalCount, boolean force) {
    }

    private final Resyncer resyncer;
    private final DirectoryLookup workos;
    private final OrganizationQueries queries;
    private final int defaultMaxRemovalPercent;
    private final int defaultMaxRemovalCount;

    /**
     * @param workos  asked whether it knows an organization before its resync starts
     * @param queries the organization database, or {@code null} where this process has none (defaults apply)
     */
    public ResyncService(Resyncer resyncer, DirectoryLookup workos, OrganizationQueries queries,
                         int defaultMaxRemovalPercent, int defaultMaxRemovalCount) {
        this.resyncer = resyncer;
        this.workos = workos;
        this.queries = queries;
        this.defaultMaxRemovalPercent = defaultMaxRemovalPercent;
        this.defaultMaxRemovalCount = defaultMaxRemovalCount;
    }

    /**
     * @throws IllegalArgumentException      for a bad scope
     * @throws UnknownOrganizationException  when WorkOS does not know the organization
     * @throws dev.scimsync.workos.WorkosUnavailableException when WorkOS did not say (in time) whether it does
     * @throws dev.scimsync.poller.resync.ResyncInProgressException when the organization already has a resync
     *                                                               queued or scanning here
     */
    public Queued start(String organizationId, String scope, boolean dryRun, boolean force) {
        ResyncScope parsed = ResyncScope.parse(scope == null ? "both" : scope);
        if (!workos.organizationExists(organizationId)) {
            throw new UnknownOrganizationException("unknown organization " + organizationId
                    + ": WorkOS does not know it");
        }
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
        Resyncer.Progress p = resyncer.start(new ResyncRequest(organizationId, parsed, dryRun, force, percent, count));
        return new Queued(p.resyncId(), p.organizationId(), p.scope(), p.dryRun(), p.phase(), p.startedAt(), percent,
                count, force);
    }

    public Optional<Progress> progress(String organizationId) {
        return resyncer.inFlight(organizationId).map(Progress::of);
    }
}
