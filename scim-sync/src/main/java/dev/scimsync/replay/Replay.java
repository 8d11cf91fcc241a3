package dev.scimsync.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.core.topic.OrganizationPartitioning;
import dev.scimsync.core.topic.TopicProvisioner;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.processor.ProcessorConfig;
import dev.scimsync.processor.ProcessorSettings;
import dev.scimsync.processor.ReplayStores;
import dev.scimsync.processor.StreamProcessor;
import dev.scimsync.writer.Database;
import dev.scimsync.writer.StateWriter;
import dev.scimsync.writer.WriterConfig;
import dev.scimsync.writer.db.TransientErrors;
import dev.scimsync.writer.replay.ReplayRuns;
import dev.scimsync.writer.replay.ShadowSwitch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * One replay: rebuilds the organization database's event-derived rows from the retained events topic, without
 * WorkOS. A second Kafka Streams application — the same topology, its own application id, stores and offsets —
 * reads the events topic from its start into shadow state topics; a second writer materializes them into a shadow
 * schema of the same database. What a replay builds is thrown away if it stops (the next replay deletes it and starts
 * again): its processor keeps no changelogs and processes at least once, its shadow tables are unlogged and without
 * foreign keys. Once the shadow has caught up, the live processor is held for a moment, the shadow catches up to the
 * very end of the events topic, and {@link ShadowSwitch} makes the live rows equal to the
 * shadow's in one transaction; then the live processor goes on. What it applies after the switch, the shadow already
 * holds, so the version guard makes it change nothing. Everything the replay made is deleted at the end.
 */
final class Replay implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);
    /** How often progress (the replay processor's committed offsets) is read. */
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration SWITCH_CATCH_UP = Duration.ofSeconds(60);
    /** A rebuild that moves no offset for this long has stalled (a stuck processor, a broker gone). */
    private static final Duration NO_PROGRESS = Duration.ofMinutes(10);

    private final String id;
    private final String organizationId;
    private final boolean force;
    private final ReplayContext context;
    private final Instant requestedAt;
    private final String shadowPrefix;
    private final String shadowSchema;
    private final ProcessorConfig replayConfig;
    private final WriterConfig shadowWriterConfig;

    private volatile ReplayState state = ReplayState.QUEUED;
    private volatile long replayed;
    private volatile long total;
    private volatile Instant rebuildStartedAt;
    private volatile Instant finishedAt;
    private volatile String changes;
    private volatile String error;
    /** heap or rocksdb, once decided. */
    private volatile String stores;

    Replay(String id, String organizationId, boolean force, ReplayContext context) {
        this.id = id;
        this.organizationId = organizationId;
        this.force = force;
        this.context = context;
        this.requestedAt = context.clock().instant();
        Topics live = context.liveProcessor().topics();
        this.shadowPrefix = live.prefix() + id + ".";
        this.shadowSchema = "scim_sync_" + id.replace('-', '_');
        Topics shadow = new Topics(shadowPrefix).readingEventsOf(live);
        // the stores' place (heap or RocksDB) and the commit interval are decided in run(), once the history's size is
        // known; the application id and topics are these
        this.replayConfig = context.liveProcessor().forReplay(id, shadow, organizationId, false, 0);
        this.shadowWriterConfig = context.writer().withTopics(shadow).withGroupId(context.writer().groupId() + "-" + id)
                .withGroupInstanceId(null)
                .withoutAccess() // the switch computes the access of the live rows it switched
                .withDatabase(JdbcUrls.withSchema(context.writer().dbUrl(), shadowSchema), context.writer().dbUser(),
                        context.writer().dbPassword());
    }

    String id() {
        return id;
    }

    ReplayProgress progress() {
        Instant since = rebuildStartedAt;
        Instant until = finishedAt != null ? finishedAt : context.clock().instant();
        double seconds = since == null ? 0 : Math.max(0.001, Duration.between(since, until).toMillis() / 1000.0);
        double rate = since == null ? 0 : replayed / seconds;
        Long eta = rate <= 0 || state.isFinal() ? null : (long) Math.ceil(Math.max(0, total - replayed) / rate);
        return new ReplayProgress(id, organizationId, state, replayed, total, Math.round(rate * 10) / 10.0, eta,
                requestedAt, finishedAt, changes, error, stores);
    }

    @Override
    public void run() {
        List<AutoCloseable> opened = new ArrayList<>();
        StreamProcessor replayProcessor = null;
        boolean livePaused = false;
        ReplayRuns runs = new ReplayRuns(context.database());
        try {
            runs.started(id, organizationId, requestedAt);
            List<TopicPartition> scope = scope();
            Map<TopicPartition, Long> start = context.positions().earliest(scope);
            Map<TopicPartition, Long> target = context.positions().latest(scope);
            total = sum(target) - sum(start);
            LOG.info("replay {} of {}: {} events of history to read again", id, scopeName(), total);

            // the shadow: state topics, a schema, a second processor and a second writer
            Topics shadowTopics = replayConfig.topics();
            int partitions = context.positions().partitions(context.liveProcessor().topics().events().name()).size();
            new TopicProvisioner(context.positions().admin(), shadowTopics, partitions, (short) -1, -1)
                    .ensureAll(Duration.ofSeconds(60));
            Database.migrate(context.database(), shadowSchema);
            ShadowSwitch shadowSwitch = new ShadowSwitch(context.database(), shadowSchema);
            shadowSwitch.prepareShadow(); // unlogged, no foreign keys: rows that are thrown away
            Database shadowDb = Database.connect(shadowWriterConfig.dbUrl(), shadowWriterConfig.dbUser(),
                    shadowWriterConfig.dbPassword(), 2);
            opened.add(shadowDb);
            checkSchema(shadowDb);
            SimpleMeterRegistry replayMeters = new SimpleMeterRegistry(); // not the live stages' figures
            StateWriter shadowWriter = new StateWriter(shadowWriterConfig, shadowDb.dataSource(), replayMeters);
            shadowWriter.start();
            opened.add(shadowWriter);
            ReplayStores setting = context.liveProcessor().replayStores();
            boolean fits = ReplayStores.fitsOnHeap(total, Runtime.getRuntime());
            boolean onHeap = setting.onHeap(fits);
            if (onHeap && !fits) {
                LOG.warn("replay {}: its stores are on the heap ({}=heap), though {} events may need up to {} MiB of"
                        + " it, more than half of what is free", id, ProcessorSettings.REPLAY_STORES.name(), total,
                        total * ReplayStores.HEAP_BYTES_PER_EVENT >> 20);
            }
            stores = onHeap ? "heap" : "rocksdb";
            LOG.info("replay {}: its processor's stores are {}", id, onHeap ? "on the heap" : "in RocksDB");
            replayProcessor = new StreamProcessor(context.liveProcessor().forReplay(id, shadowTopics, organizationId,
                    onHeap, total), replayMeters);
            replayProcessor.start();
            state = ReplayState.REBUILDING;
            rebuildStartedAt = context.clock().instant();

            awaitReplayed(replayProcessor, shadowWriter, scope, start, target, null);

            // the switch: hold the live processor, catch up to the very end, switch in one transaction
            state = ReplayState.SWITCHING;
            context.live().pause();
            livePaused = true;
            Map<TopicPartition, Long> end = context.positions().latest(scope);
            total = sum(end) - sum(start);
            awaitReplayed(replayProcessor, shadowWriter, scope, start, end,
                    context.clock().instant().plus(SWITCH_CATCH_UP));
            awaitWritten(shadowWriter, shadowTopics, context.clock().instant().plus(SWITCH_CATCH_UP));
            ShadowSwitch.Changes switched = shadowSwitch.apply(organizationId, context.clock().instant(),
                    context.removalLimits(), force, id);
            livePaused = false;
            resumeLive();
            changes = switched.summary();
            end(runs, ReplayState.COMPLETED, replayed + " events replayed; " + changes);
            LOG.info("replay {} of {} completed: {} events in {} s; {}", id, scopeName(), replayed,
                    Duration.between(requestedAt, finishedAt).toSeconds(), changes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("stopped while running (the instance is shutting down)");
        } catch (ShadowSwitch.HeldException e) {
            LOG.warn("replay {} of {} {}", id, scopeName(), e.getMessage());
            fail(e.getMessage());
        } catch (Exception e) {
            // a database error's message may quote row values: described without them
            String reason = TransientErrors.describe(e);
            LOG.error("replay {} of {} failed: {}", id, scopeName(), reason);
            fail(reason);
        } finally {
            if (livePaused) {
                resumeLive();
            }
            if (!state.isFinal()) {
                end(runs, ReplayState.FAILED, error);
            }
            cleanUp(replayProcessor, opened);
        }
    }

    /** Records the end in sync_runs and the metrics, then shows it: a client that sees it final finds the row. */
    private void end(ReplayRuns runs, ReplayState outcome, String note) {
        finishedAt = context.clock().instant();
        try {
            runs.finished(id, organizationId, outcome.wire(), finishedAt, note);
        } catch (Exception e) {
            LOG.warn("replay {}: cannot record its end in sync_runs: {}", id, e.toString());
        }
        context.metrics().finished(outcome, Duration.between(requestedAt, finishedAt));
        state = outcome;
    }

    private void fail(String reason) {
        error = reason;
    }

    private void resumeLive() {
        try {
            context.live().resume();
        } catch (RuntimeException e) {
            LOG.error("replay {}: the live processor could not be resumed ({}); restart scim-sync", id, e.toString());
        }
    }

    /** The shadow pool must write the shadow schema: a URL that sets a search path otherwise could aim it at live. */
    private void checkSchema(Database shadowDb) throws java.sql.SQLException {
        try (java.sql.Connection c = shadowDb.dataSource().getConnection();
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT current_schema()")) {
            String current = rs.next() ? rs.getString(1) : null;
            if (!shadowSchema.equals(current)) {
                throw new IllegalStateException("the replay's connections use schema " + current + ", not "
                        + shadowSchema + ": does SCIM_SYNC_DB_URL set a search path? Set currentSchema instead");
            }
        }
    }

    /** The events topic's partitions the replay must read: the organization's one, or all. */
    private List<TopicPartition> scope() throws Exception {
        List<TopicPartition> all = context.positions().partitions(context.liveProcessor().topics().events().name());
        if (organizationId == null) {
            return all;
        }
        int partition = OrganizationPartitioning.partitionOf(organizationId, all.size());
        return all.stream().filter(tp -> tp.partition() == partition).toList();
    }

    /** Waits until the replay processor has applied every event of {@code scope} before {@code to}. */
    private void awaitReplayed(StreamProcessor processor, StateWriter writer, List<TopicPartition> scope,
                               Map<TopicPartition, Long> start, Map<TopicPartition, Long> to, Instant deadline)
            throws Exception {
        String applicationId = replayConfig.applicationId();
        long reported = replayed;
        Instant lastMove = context.clock().instant();
        while (true) {
            if (processor.state() == KafkaStreams.State.ERROR || processor.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("the replay's stream processor stopped (" + processor.state() + ")");
            }
            if (writer.failure().isPresent()) {
                throw new IllegalStateException("the replay's writer stopped: "
                        + TransientErrors.describe(writer.failure().get()));
            }
            Map<TopicPartition, Long> committed = context.positions().committed(applicationId, scope);
            long done = 0;
            boolean reached = true;
            for (TopicPartition tp : scope) {
                long at = committed.getOrDefault(tp, start.get(tp));
                done += Math.max(0, Math.min(at, to.get(tp)) - start.get(tp));
                reached &= at >= to.get(tp);
            }
            if (done > replayed) {
                lastMove = context.clock().instant();
            } else if (context.clock().instant().isAfter(lastMove.plus(NO_PROGRESS))) {
                throw new IllegalStateException("the replay made no progress for " + NO_PROGRESS.toMinutes()
                        + " minutes (" + done + " of " + (sum(to) - sum(start)) + " events)");
            }
            replayed = Math.max(replayed, done);
            context.metrics().replayed(replayed - reported);
            reported = replayed;
            // transaction markers take offsets too: past them, no record may be left
            if (reached || done >= sum(to) - sum(start) - scope.size() * 2L) {
                Map<TopicPartition, Long> from = new HashMap<>(start);
                from.putAll(committed);
                if (context.positions().nothingBetween(from, to)) {
                    replayed = sum(to) - sum(start);
                    context.metrics().replayed(replayed - reported);
                    return;
                }
            }
            if (deadline != null && context.clock().instant().isAfter(deadline)) {
                throw new IllegalStateException("the replay did not catch up with the events topic within "
                        + SWITCH_CATCH_UP.toSeconds() + " s while the live processor was held");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** Waits until the shadow writer has written everything on the shadow state topics. */
    private void awaitWritten(StateWriter writer, Topics shadow, Instant deadline) throws Exception {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(shadow.members().name(), shadow.groups().name(), shadow.memberships().name())) {
            partitions.addAll(context.positions().partitions(topic));
        }
        while (true) {
            if (writer.failure().isPresent()) {
                throw new IllegalStateException("the replay's writer stopped: "
                        + TransientErrors.describe(writer.failure().get()));
            }
            Map<TopicPartition, Long> end = context.positions().latest(partitions);
            if (context.positions().nothingBetween(writer.lastAppliedOffsets(), end)) {
                return;
            }
            if (context.clock().instant().isAfter(deadline)) {
                throw new IllegalStateException("the replay's writer did not catch up within "
                        + SWITCH_CATCH_UP.toSeconds() + " s");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** Deletes what the replay made: its processor's state, topics and groups, and the shadow schema. */
    private void cleanUp(StreamProcessor processor, List<AutoCloseable> opened) {
        boolean interrupted = Thread.interrupted(); // a shutdown must not leave the shadow behind half-deleted
        if (processor != null) {
            step("closing its stream processor", () -> {
                processor.close();
                processor.cleanUp();
            });
        }
        for (int i = opened.size() - 1; i >= 0; i--) {
            AutoCloseable part = opened.get(i);
            step("closing " + part.getClass().getSimpleName(), part::close);
        }
        step("dropping schema " + shadowSchema, () -> new ShadowSwitch(context.database(), shadowSchema).dropShadow());
        step("deleting topics " + shadowPrefix + "* and " + replayConfig.applicationId() + "-*",
                () -> context.positions().deleteTopics(context.positions().topicsStartingWith(shadowPrefix,
                        replayConfig.applicationId() + "-")));
        step("deleting its consumer groups",
                () -> context.positions().deleteGroups(List.of(replayConfig.applicationId(), shadowWriterConfig.groupId())));
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One clean-up step: a failure is logged (with what is left to delete by hand) and the next step runs. */
    private void step(String what, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            LOG.warn("replay {}: {} failed ({}); the next start of a replay deletes what is left", id, what,
                    e.toString());
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private String scopeName() {
        return organizationId == null ? "every organization" : "organization " + organizationId;
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }
}
