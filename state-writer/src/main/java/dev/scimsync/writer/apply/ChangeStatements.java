package dev.scimsync.writer.apply;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.ResyncOutcome;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.writer.db.PostgresDialect;

/**
 * Maps each kind of change to its statements and parameters. Every timestamp comes from the record: the
 * version's {@code at} for created/updated/removed, so that a replay writes the same values.
 */
final class ChangeStatements {

    static final String UPSERT = "upsert";
    static final String REMOVE = "remove";

    /** Held is final too: a held resync is not resumed, a new (forced) resync has a new id. */
    private static final Set<String> UNFINISHED_RESYNC = Set.of("running");

    private final PostgresDialect dialect;

    ChangeStatements(PostgresDialect dialect) {
        this.dialect = dialect;
    }

    /** The first operation decides whether the change counts as applied. */
    List<Operation> operationsFor(StateChange change) {
        Object value = change.value();
        if (value instanceof Member m) {
            return List.of(new Operation("members", m.removed() ? REMOVE : UPSERT,
                    m.removed() ? dialect.removeMember() : dialect.upsertMember(), ps -> bindMember(ps, m)));
        } else if (value instanceof Group g) {
            return List.of(new Operation("groups", g.removed() ? REMOVE : UPSERT,
                    g.removed() ? dialect.removeGroup() : dialect.upsertGroup(), ps -> bindGroup(ps, g)));
        } else if (value instanceof Membership ms) {
            return List.of(new Operation("group_memberships", ms.removed() ? REMOVE : UPSERT,
                    ms.removed() ? dialect.removeMembership() : dialect.addMembership(), ps -> bindMembership(ps, ms)));
        }
        SyncStatus s = (SyncStatus) value;
        List<Operation> operations = new ArrayList<>(2);
        operations.add(new Operation("sync_status", UPSERT, dialect.upsertProcessorStatus(), ps -> bindStatus(ps, s)));
        if (s.organizationName() != null) {
            // the row exists: organizations are ensured for every change of a batch before its statements
            operations.add(new Operation("organizations", UPSERT, dialect.renameOrganization(), ps -> {
                ps.setString(1, s.organizationName());
                ps.setString(2, s.organizationId());
                ps.setString(3, s.organizationName());
            }));
        }
        Instant runTime = s.resyncChangedAt() != null ? s.resyncChangedAt()
                : s.lastAppliedAt() != null ? s.lastAppliedAt() : s.lastEventCreatedAt();
        if (s.resyncId() != null && s.resyncState() != null && runTime != null) {
            operations.add(new Operation("sync_runs", UPSERT, dialect.upsertResyncRun(), ps -> bindResyncRun(ps, s, runTime)));
        }
        return operations;
    }

    private static void bindMember(PreparedStatement ps, Member m) throws SQLException {
        ps.setString(1, m.organizationId());
        ps.setString(2, m.directoryUserId());
        ps.setString(3, m.directoryId());
        ps.setString(4, m.idpId());
        ps.setString(5, m.email());
        ps.setString(6, m.firstName());
        ps.setString(7, m.lastName());
        ps.setString(8, m.state());
        ps.setString(9, json(m.roles()));
        ps.setString(10, json(m.customAttributes()));
        setTime(ps, 11, m.version().at());
        ps.setString(12, m.version().eventId());
        setTime(ps, 13, m.version().at());
        setTime(ps, 14, m.version().at());
        if (m.removed()) {
            setTime(ps, 15, m.version().at());
        }
    }

    private static void bindGroup(PreparedStatement ps, Group g) throws SQLException {
        ps.setString(1, g.organizationId());
        ps.setString(2, g.directoryGroupId());
        ps.setString(3, g.directoryId());
        ps.setString(4, g.idpId());
        ps.setString(5, g.name());
        setTime(ps, 6, g.version().at());
        ps.setString(7, g.version().eventId());
        setTime(ps, 8, g.version().at());
        setTime(ps, 9, g.version().at());
        if (g.removed()) {
            setTime(ps, 10, g.version().at());
        }
    }

    private static void bindMembership(PreparedStatement ps, Membership ms) throws SQLException {
        ps.setString(1, ms.organizationId());
        ps.setString(2, ms.directoryGroupId());
        ps.setString(3, ms.directoryUserId());
        ps.setString(4, ms.directoryId());
        setTime(ps, 5, ms.version().at());
        ps.setString(6, ms.version().eventId());
    }

    private static void bindStatus(PreparedStatement ps, SyncStatus s) throws SQLException {
        ps.setString(1, s.organizationId());
        ps.setString(2, s.lastEventId());
        setTime(ps, 3, s.lastEventCreatedAt());
        setTime(ps, 4, s.lastAppliedAt());
        ps.setLong(5, s.members());
        ps.setLong(6, s.groups());
        ps.setLong(7, s.memberships());
        ps.setString(8, s.resyncId());
        ps.setString(9, s.resyncState());
        setTime(ps, 10, s.resyncId() == null ? null : s.resyncChangedAt() != null ? s.resyncChangedAt() : s.lastAppliedAt());
        ps.setLong(11, s.appliedEvents());
        setTime(ps, 12, s.countingSince());
    }

    private static void bindResyncRun(PreparedStatement ps, SyncStatus s, Instant runTime) throws SQLException {
        String state = s.resyncState().toLowerCase(Locale.ROOT);
        ps.setString(1, s.resyncId());
        ps.setString(2, s.organizationId());
        ps.setString(3, state);
        setTime(ps, 4, runTime);
        setTime(ps, 5, UNFINISHED_RESYNC.contains(state) ? null : runTime);
        ps.setLong(6, s.members());
        ps.setLong(7, s.groups());
        ps.setLong(8, s.memberships());
        ResyncOutcome outcome = s.resyncOutcome();
        ps.setString(9, outcome == null ? null : outcome.scope());
        if (outcome == null) {
            ps.setNull(10, Types.BOOLEAN);
            ps.setNull(11, Types.BIGINT);
        } else {
            ps.setBoolean(10, outcome.dryRun());
            ps.setLong(11, outcome.members());
        }
        ps.setString(12, outcome == null ? null : outcome.note());
    }

    static void setTime(PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, OffsetDateTime.ofInstant(toMicros(instant), ZoneOffset.UTC));
        }
    }

    /** A timestamp as text for a timestamptz[] parameter: ISO-8601 in UTC, rounded as {@link #toMicros}. */
    static String timeText(Instant instant) {
        return instant == null ? null : toMicros(instant).toString();
    }

    /**
     * PostgreSQL keeps microseconds. Rounded here (a remainder of 500 ns or more rounds up, as the JDBC driver
     * does for single values), so that a multi-row statement and a single-row one store the same value.
     */
    static Instant toMicros(Instant instant) {
        int belowMicro = instant.getNano() % 1_000;
        if (belowMicro == 0) {
            return instant;
        }
        Instant truncated = instant.minusNanos(belowMicro);
        return belowMicro >= 500 ? truncated.plusNanos(1_000) : truncated;
    }

    static String json(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.toString();
    }
}
