package dev.scimsync.runtime;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import dev.scimsync.admin.StatusSource;
import dev.scimsync.writer.access.AccessQueries;
import dev.scimsync.writer.query.OrganizationQueries;
import dev.scimsync.writer.query.OrganizationStatus;
import dev.scimsync.writer.query.OrganizationSummary;

/** The admin API's view of the organization database, plus readiness checks. */
final class DatabaseStatusSource implements StatusSource {

    private final OrganizationQueries queries;
    private final AccessQueries access;
    private final Map<String, BooleanSupplier> checks;
    private final Clock clock;

    DatabaseStatusSource(OrganizationQueries queries, AccessQueries access, Map<String, BooleanSupplier> checks,
                         Clock clock) {
        this.queries = queries;
        this.access = access;
        this.checks = checks;
        this.clock = clock;
    }

    @Override
    public List<Map<String, Object>> organizations() {
        try {
            return queries.list().stream().map(this::summary).toList();
        } catch (SQLException e) {
            throw new IllegalStateException("listing organizations failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Map<String, Object>> status(String organizationId) {
        try {
            Optional<Map<String, Object>> status = queries.status(organizationId).map(this::status);
            if (status.isPresent()) {
                queries.lastReplay(organizationId).ifPresent(run -> {
                    Map<String, Object> replay = new LinkedHashMap<>();
                    replay.put("id", run.id());
                    replay.put("scope", run.organizationId() == null ? "every organization" : run.organizationId());
                    replay.put("state", run.state());
                    replay.put("started_at", run.startedAt());
                    replay.put("finished_at", run.finishedAt());
                    replay.put("note", run.note());
                    status.get().put("last_replay", replay);
                });
                // present members holding a seat, per tier (group mappings decide the tier)
                status.get().put("seats", access.seats(organizationId));
            }
            return status;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the status of " + organizationId + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, BooleanSupplier> readinessChecks() {
        return Collections.unmodifiableMap(checks);
    }

    private Map<String, Object> summary(OrganizationSummary org) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", org.id());
        out.put("name", org.name());
        out.put("provisioning_mode", org.provisioningMode());
        out.put("members", org.members());
        out.put("groups", org.groups());
        out.put("memberships", org.memberships());
        out.put("last_event_created_at", org.lastEventCreatedAt());
        out.put("seconds_since_last_event", secondsSince(org.lastEventCreatedAt()));
        return out;
    }

    private Map<String, Object> status(OrganizationStatus org) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", org.id());
        out.put("name", org.name());
        out.put("provisioning_mode", org.provisioningMode());
        out.put("members", org.members());
        out.put("groups", org.groups());
        out.put("memberships", org.memberships());
        out.put("processor_members", org.processorMembers());
        out.put("processor_groups", org.processorGroups());
        out.put("processor_memberships", org.processorMemberships());
        out.put("last_event_id", org.lastEventId());
        out.put("last_event_created_at", org.lastEventCreatedAt());
        out.put("last_applied_at", org.lastAppliedAt());
        out.put("lag_seconds", org.lastEventCreatedAt() == null || org.lastAppliedAt() == null ? null
                : Duration.between(org.lastEventCreatedAt(), org.lastAppliedAt()).toMillis() / 1000.0);
        out.put("seconds_since_last_event", secondsSince(org.lastEventCreatedAt()));
        out.put("last_resync_id", org.lastResyncId());
        out.put("last_resync_state", org.lastResyncState());
        out.put("last_resync_at", org.lastResyncAt());
        if (org.lastResyncNote() != null || org.lastResyncRemoved() != null) {
            Map<String, Object> sweep = new LinkedHashMap<>();
            sweep.put("scope", org.lastResyncScope());
            sweep.put("dry_run", org.lastResyncDryRun());
            sweep.put("members", org.lastResyncRemoved());
            sweep.put("note", org.lastResyncNote());
            out.put("last_resync_sweep", sweep);
        }
        out.put("primary_owner_member_id", org.primaryOwnerMemberId());
        out.put("max_removal_percent", org.maxRemovalPercent());
        out.put("max_removal_count", org.maxRemovalCount());
        return out;
    }

    private Double secondsSince(Instant instant) {
        return instant == null ? null : Duration.between(instant, clock.instant()).toMillis() / 1000.0;
    }
}
