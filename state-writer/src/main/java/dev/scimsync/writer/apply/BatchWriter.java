package dev.scimsync.writer.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.core.log.Redact;
import dev.scimsync.core.model.EntityKeys;
import dev.scimsync.core.model.Member;
import dev.scimsync.writer.access.AccessRecompute;
import dev.scimsync.writer.db.OrganizationLocks;
import dev.scimsync.writer.db.PostgresDialect;
import dev.scimsync.writer.db.RecordErrors;
import dev.scimsync.writer.db.Retry;
import dev.scimsync.writer.db.TransientErrors;
import dev.scimsync.writer.dlq.DeadLetter;
import dev.scimsync.writer.dlq.DeadLetterSink;
import dev.scimsync.writer.metrics.WriterMetrics;
import dev.scimsync.writer.offsets.FencedException;
import dev.scimsync.writer.offsets.OffsetStore;

/**
 * Writes one batch of state-topic records in one transaction together with the offsets that follow them.
 * Transient errors are retried. A data error of one record ({@link RecordErrors}) makes the batch run again
 * record by record, each in its own savepoint, so that only the failing records go to the DLQ. Any other
 * database error is retried too and then fails the batch ({@link BatchFailedException}): dead-lettering
 * every record for, say, a revoked grant would skip the stream while offsets move on. Dead letters are
 * published (and acknowledged) before the commit that stores offsets past them. Not thread-safe: one per
 * consumer thread.
 */
public final class BatchWriter {

    /** Test seam: runs inside the transaction just before it commits. */
    @FunctionalInterface
    public interface BeforeCommit {
        void run() throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

    private final DataSource dataSource;
    private final PostgresDialect dialect;
    private final RecordDecoder decoder;
    private final ChangeStatements statements;
    private final MultiRowWriter multiRow;
    private final KnownGoodProbe probe;
    private final OffsetStore offsets;
    private final Retry retry;
    private final Retry batchRetry;
    private final DeadLetterSink deadLetters;
    private final WriterMetrics metrics;
    private final BeforeCommit beforeCommit;
    private final boolean computeAccess;
    private final Map<TopicPartition, Long> stored = new HashMap<>();

    public BatchWriter(DataSource dataSource, RecordDecoder decoder, OffsetStore offsets, Retry retry,
                       DeadLetterSink deadLetters, WriterMetrics metrics) {
        this(dataSource, decoder, offsets, retry, deadLetters, metrics, () -> { });
    }

    public BatchWriter(DataSource dataSource, RecordDecoder decoder, OffsetStore offsets, Retry retry,
                       DeadLetterSink deadLetters, WriterMetrics metrics, BeforeCommit beforeCommit) {
        this(dataSource, decoder, offsets, retry, deadLetters, metrics, beforeCommit, true);
    }

    /**
     * @param computeAccess recompute the access of the members each batch changes; false only for a replay's shadow
     *                      writer ({@link dev.scimsync.writer.WriterConfig#withoutAccess()})
     */
    public BatchWriter(DataSource dataSource, RecordDecoder decoder, OffsetStore offsets, Retry retry,
                       DeadLetterSink deadLetters, WriterMetrics metrics, BeforeCommit beforeCommit,
                       boolean computeAccess) {
        this.computeAccess = computeAccess;
        this.dataSource = dataSource;
        this.dialect = new PostgresDialect();
        this.decoder = decoder;
        this.statements = new ChangeStatements(dialect);
        this.multiRow = new MultiRowWriter(dialect);
        this.probe = new KnownGoodProbe(statements);
        this.offsets = offsets;
        this.retry = retry;
        this.batchRetry = retry.orWhen(BatchWriter::isBatchLevelDatabaseError);
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.beforeCommit = beforeCommit;
    }

    /**
     * Reads the stored offsets of the given partitions and remembers them as the values this writer expects
     * to advance from. Partitions without a stored offset are absent from the result.
     */
    public Map<TopicPartition, Long> loadOffsets(Collection<TopicPartition> partitions) throws Exception {
        Set<String> topics = new TreeSet<>();
        partitions.forEach(tp -> topics.add(tp.topic()));
        Map<TopicPartition, Long> all = retry.call("load stored offsets", () -> {
            try (Connection connection = dataSource.getConnection()) {
                return offsets.load(connection, topics);
            }
        });
        Map<TopicPartition, Long> found = new HashMap<>();
        for (TopicPartition tp : partitions) {
            stored.remove(tp);
            Long offset = all.get(tp);
            if (offset != null) {
                found.put(tp, offset);
                stored.put(tp, offset);
            }
        }
        return found;
    }

    /** Stops expecting offsets for partitions this writer no longer owns. */
    public void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(stored::remove);
    }

    /** The offsets this writer last read or stored. */
    public Map<TopicPartition, Long> storedOffsets() {
        return Map.copyOf(stored);
    }

    /**
     * Writes the records (in partition order) and their offsets in one transaction.
     *
     * @throws FencedException      another writer stored offsets for one of the partitions meanwhile; nothing
     *                              was written
     * @throws BatchFailedException the database rejects the batch for a reason that is not one record's data,
     *                              even after retries, or every change (two or more) of one table failed
     *                              alone; nothing was written
     * @throws Exception            the database or the DLQ stayed unavailable; nothing was written
     */
    public BatchResult write(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        RecordDecoder.Decoded decoded = decoder.decode(records);
        Map<TopicPartition, Long> next = nextOffsets(records);
        String operation = "write batch of " + records.size() + " records up to offsets " + offsetNames(next);
        Attempt attempt;
        try {
            attempt = batchRetry.call(operation, () -> inTransaction(decoded, next, false));
        } catch (FencedException e) {
            throw e;
        } catch (Exception e) {
            if (!RecordErrors.isRecordError(e)) {
                throw stopOrPutBack(operation, e);
            }
            LOG.warn("batch of {} records failed ({}); writing it record by record", records.size(),
                    Redact.emailsIn(TransientErrors.describe(e)));
            try {
                attempt = batchRetry.call(operation + " record by record", () -> inTransaction(decoded, next, true));
            } catch (FencedException fenced) {
                throw fenced;
            } catch (Exception again) {
                throw stopOrPutBack(operation + " record by record", again);
            }
        }
        stored.putAll(next);
        return report(records.size(), decoded, attempt, next);
    }

    /** Errors the batch retry also retries: database errors that are neither transient nor one record's data. */
    private static boolean isBatchLevelDatabaseError(Throwable e) {
        return !(e instanceof FencedException) && !(e instanceof BatchFailedException)
                && RecordErrors.isDatabaseError(e) && !RecordErrors.isRecordError(e);
    }

    /**
     * A transient database error or an unavailable DLQ puts the batch back (the caller re-reads it later); any
     * other database error, still there after the retries, must stop the writer rather than be skipped.
     */
    private static Exception stopOrPutBack(String operation, Exception e) {
        if (e instanceof BatchFailedException || TransientErrors.isRetryable(e) || !RecordErrors.isDatabaseError(e)) {
            return e;
        }
        return new BatchFailedException(operation + " failed: " + Redact.emailsIn(TransientErrors.describe(e))
                + "; not a data error of one record, so nothing is skipped: fix the database and restart", e);
    }

    /** The next offsets by partition name, sorted, for error messages. */
    private static Map<String, Long> offsetNames(Map<TopicPartition, Long> next) {
        Map<String, Long> names = new TreeMap<>();
        next.forEach((tp, offset) -> names.put(tp.toString(), offset));
        return names;
    }

    private BatchResult report(int size, RecordDecoder.Decoded decoded, Attempt attempt, Map<TopicPartition, Long> next) {
        int applied = 0;
        int unchanged = 0;
        for (int i = 0; i < decoded.changes().size(); i++) {
            StateChange change = decoded.changes().get(i);
            if (attempt.applied[i]) {
                applied++;
                metrics.rowsWritten(change.table(), change.isRemoval() ? ChangeStatements.REMOVE : ChangeStatements.UPSERT, 1);
                metrics.applied(change.eventCreatedAt());
            } else if (!attempt.failed[i] && !attempt.ownerProtected[i]) {
                unchanged++;
            }
        }
        int dead = attempt.deadLetters.size();
        metrics.deadLettered(dead);
        metrics.accessChanged(attempt.accessChanges);
        metrics.batch(size, attempt.duration);
        return new BatchResult(size, applied, unchanged, dead, attempt.ownerProtectedCount(), Map.copyOf(next),
                attempt.duration, attempt.recordByRecord);
    }

    private Attempt inTransaction(RecordDecoder.Decoded decoded, Map<TopicPartition, Long> next, boolean isolated)
            throws Exception {
        long started = System.nanoTime();
        List<StateChange> changes = decoded.changes();
        Attempt attempt = new Attempt(changes.size(), isolated);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Set<String> organizations = organizationsOf(changes);
                OrganizationLocks.lock(connection, organizations);
                if (!isolated) {
                    ensureOrganizations(connection, changes);
                }
                Set<String> owners = primaryOwners(connection, organizations);
                CountChanges counts = new CountChanges();
                organizations.forEach(counts::touch);
                try (LaneBatcher lanes = new LaneBatcher(connection)) {
                    List<MultiRowWriter.Pending> entities = new ArrayList<>();
                    for (int i = 0; i < changes.size(); i++) {
                        StateChange change = changes.get(i);
                        if (isOwnerRemoval(change, owners)) {
                            attempt.ownerProtected[i] = true;
                            continue;
                        }
                        if (isolated) {
                            applyIsolated(connection, lanes, change, i, attempt);
                        } else if (MultiRowWriter.handles(change)) {
                            entities.add(new MultiRowWriter.Pending(i, change));
                        } else {
                            queue(lanes, change, i, attempt);
                        }
                    }
                    multiRow.apply(connection, entities, attempt.applied, attempt.presenceChanged, counts);
                    lanes.flushAll();
                }
                recomputeAccess(connection, changes, attempt);
                if (isolated) {
                    refuseIfATableRefusesKnownGoodData(connection, changes, attempt);
                    recountCounts(connection, organizations);
                } else {
                    addToCounts(connection, counts);
                }
                offsets.advance(connection, next, stored);
                List<DeadLetter> letters = new ArrayList<>(decoded.deadLetters());
                letters.addAll(attempt.deadLetters);
                attempt.deadLetters = letters;
                if (!letters.isEmpty()) {
                    letters.forEach(l -> LOG.warn("dead letter {}: {}", l.sourceCoordinates(), Redact.emailsIn(l.reason())));
                    deadLetters.publish(letters);
                }
                beforeCommit.run();
                connection.commit();
            } catch (Exception | Error e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        }
        attempt.duration = Duration.ofNanos(System.nanoTime() - started);
        return attempt;
    }

    /** The access of every member the batch changed, in the same transaction (docs/database.md, "Access"). */
    private void recomputeAccess(Connection connection, List<StateChange> changes, Attempt attempt) throws SQLException {
        if (!computeAccess) {
            return;
        }
        AccessRecompute access = new AccessRecompute();
        for (int i = 0; i < changes.size(); i++) {
            if (attempt.applied[i]) {
                // the single-row statements of the record-by-record path report no presence: assume it changed
                access.applied(changes.get(i).value(), attempt.presenceChanged[i] || attempt.recordByRecord);
            }
        }
        attempt.accessChanges = access.run(connection);
    }

    private void queue(LaneBatcher lanes, StateChange change, int index, Attempt attempt) throws SQLException {
        List<Operation> operations = statements.operationsFor(change);
        for (int k = 0; k < operations.size(); k++) {
            boolean decides = k == 0;
            lanes.add(operations.get(k), count -> {
                if (decides) {
                    attempt.applied[index] = count > 0;
                }
            });
        }
    }

    private void applyIsolated(Connection connection, LaneBatcher lanes, StateChange change, int index, Attempt attempt)
            throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            ensureOrganizations(connection, List.of(change));
            queue(lanes, change, index, attempt);
            lanes.flushAll();
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (!RecordErrors.isRecordError(e)) {
                throw e; // would fail every record alike: the batch fails (or, if transient, is retried)
            }
            connection.rollback(savepoint);
            attempt.applied[index] = false;
            attempt.failed[index] = true;
            attempt.firstFailure.putIfAbsent(change.table(), e);
            attempt.deadLetters.add(DeadLetter.of(change.source(), change.eventId(),
                    "database rejected the change: " + Redact.emailsIn(TransientErrors.describe(e)), e));
        }
    }

    /**
     * The breaker, per table: when every change of a table that was tried alone failed, the cause may be the
     * database (a new constraint or trigger, a changed column type) rather than the data, and dead-lettering them
     * would skip that table's stream while the other tables' changes succeed and the offsets move on. So a
     * known-good change of that table is tried ({@link KnownGoodProbe}): only if it fails too does the batch stop.
     * Otherwise the failures were the records' own (a NUL byte, a value too long…) and go to the DLQ, however many
     * of them the batch holds.
     */
    private void refuseIfATableRefusesKnownGoodData(Connection connection, List<StateChange> changes,
                                                    Attempt attempt) throws SQLException {
        Map<String, int[]> byTable = new TreeMap<>(); // table -> {tried alone, failed}
        for (int i = 0; i < changes.size(); i++) {
            if (attempt.ownerProtected[i]) {
                continue; // not tried
            }
            int[] counts = byTable.computeIfAbsent(changes.get(i).table(), table -> new int[2]);
            counts[0]++;
            counts[1] += attempt.failed[i] ? 1 : 0;
        }
        for (Map.Entry<String, int[]> entry : byTable.entrySet()) {
            int tried = entry.getValue()[0];
            int failed = entry.getValue()[1];
            if (failed == 0 || failed < tried) {
                continue; // some of the table's changes passed: the table takes good data
            }
            SQLException probeFailure = probe.tryTable(connection, entry.getKey(),
                    (c, change) -> ensureOrganizations(c, List.of(change)));
            if (probeFailure != null) {
                SQLException first = attempt.firstFailure.get(entry.getKey());
                throw new BatchFailedException("every one of the " + failed + " changes of table " + entry.getKey()
                        + " in the batch failed alone (first: " + TransientErrors.describe(first)
                        + "), and so did a known-good change (" + TransientErrors.describe(probeFailure)
                        + "); not dead-lettering them: check the database's constraints, triggers and columns of "
                        + entry.getKey() + ", then restart", first);
            }
        }
    }

    /**
     * Creates unseen organizations; created_at only moves back, to the earliest version ever seen, and
     * updated_at only forward, to the latest, so neither depends on how the records were cut into batches.
     */
    private void ensureOrganizations(Connection connection, List<StateChange> changes) throws SQLException {
        Map<String, Instant> earliest = new TreeMap<>(); // sorted: a fixed lock order
        Map<String, Instant> latest = new HashMap<>();
        for (StateChange change : changes) {
            Instant at = change.seenAt();
            if (at != null) {
                earliest.merge(change.organizationId(), at, (a, b) -> a.isBefore(b) ? a : b);
                latest.merge(change.organizationId(), at, (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        if (earliest.size() > 1) {
            String[] ids = earliest.keySet().toArray(new String[0]);
            String[] created = earliest.values().stream().map(ChangeStatements::timeText).toArray(String[]::new);
            String[] updated = earliest.keySet().stream().map(id -> ChangeStatements.timeText(latest.get(id)))
                    .toArray(String[]::new);
            try (PreparedStatement ps = connection.prepareStatement(dialect.ensureOrganizations())) {
                ps.setArray(1, connection.createArrayOf("text", ids));
                ps.setArray(2, connection.createArrayOf("timestamptz", created));
                ps.setArray(3, connection.createArrayOf("timestamptz", updated));
                ps.executeUpdate();
            }
        } else if (!earliest.isEmpty()) {
            Map.Entry<String, Instant> only = earliest.entrySet().iterator().next();
            try (PreparedStatement ps = connection.prepareStatement(dialect.ensureOrganization())) {
                ps.setString(1, only.getKey());
                ChangeStatements.setTime(ps, 2, only.getValue());
                ChangeStatements.setTime(ps, 3, latest.get(only.getKey()));
                ps.executeUpdate();
            }
        }
    }

    private static Set<String> organizationsOf(List<StateChange> changes) {
        Set<String> organizations = new HashSet<>();
        changes.forEach(c -> organizations.add(c.organizationId()));
        return organizations;
    }

    private Set<String> primaryOwners(Connection connection, Set<String> organizations) throws SQLException {
        Set<String> owners = new HashSet<>();
        if (organizations.isEmpty()) {
            return owners;
        }
        try (PreparedStatement ps = connection.prepareStatement(dialect.selectPrimaryOwners())) {
            ps.setArray(1, connection.createArrayOf("text", organizations.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    owners.add(EntityKeys.member(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return owners;
    }

    private static boolean isOwnerRemoval(StateChange change, Set<String> owners) {
        if (change.value() instanceof Member m && m.removed() && owners.contains(m.key())) {
            LOG.warn("not removing member {} ({}) of organization {}: the Primary Owner is never removed by sync",
                    m.directoryUserId(), Redact.email(m.email()), m.organizationId());
            return true;
        }
        return false;
    }

    /** Adds what the batch's statements reported to the stored counts (no recount: it grows with organizations). */
    private void addToCounts(Connection connection, CountChanges counts) throws SQLException {
        if (counts.isEmpty()) {
            return;
        }
        Object[][] columns = counts.columns();
        try (PreparedStatement ps = connection.prepareStatement(dialect.addToCounts())) {
            ps.setArray(1, connection.createArrayOf("text", columns[0]));
            ps.setArray(2, connection.createArrayOf("bigint", columns[1]));
            ps.setArray(3, connection.createArrayOf("bigint", columns[2]));
            ps.setArray(4, connection.createArrayOf("bigint", columns[3]));
            ps.executeUpdate();
        }
    }

    /** The record-by-record fallback's single-row statements report no deltas: it recounts (a rare path). */
    private void recountCounts(Connection connection, Set<String> organizations) throws SQLException {
        if (organizations.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(dialect.recountCounts())) {
            ps.setArray(1, connection.createArrayOf("text", new TreeSet<>(organizations).toArray()));
            ps.executeUpdate();
        }
    }

    private static Map<TopicPartition, Long> nextOffsets(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<TopicPartition, Long> next = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            next.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
        }
        return next;
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** Outcome of one try at a batch. */
    private static final class Attempt {
        final boolean[] applied;
        final boolean[] failed;
        final boolean[] ownerProtected;
        /** Changes that made their row present or removed (multi-row statements only). */
        final boolean[] presenceChanged;
        final boolean recordByRecord;
        /** The first data error of each table, for the breaker's message. */
        final Map<String, SQLException> firstFailure = new HashMap<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        Duration duration = Duration.ZERO;
        int accessChanges;

        Attempt(int size, boolean recordByRecord) {
            this.applied = new boolean[size];
            this.failed = new boolean[size];
            this.ownerProtected = new boolean[size];
            this.presenceChanged = new boolean[size];
            this.recordByRecord = recordByRecord;
        }

        int ownerProtectedCount() {
            int n = 0;
            for (boolean b : ownerProtected) {
                n += b ? 1 : 0;
            }
            return n;
        }
    }
}
