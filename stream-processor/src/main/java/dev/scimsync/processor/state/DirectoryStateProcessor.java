package dev.scimsync.processor.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.EventSource;
import dev.scimsync.core.event.ResyncIds;
import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.ResyncOutcome;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.processor.ProcessorSettings;
import dev.scimsync.processor.dedup.EventDeduplicator;
import dev.scimsync.processor.event.DirectoryChange;
import dev.scimsync.processor.event.EventParser;
import dev.scimsync.processor.metrics.ProcessorMetrics;

/**
 * Applies the events of the organizations of one partition, in order: parse (an invalid event throws
 * {@link dev.scimsync.processor.event.InvalidEventException} before any store is touched and goes to the DLQ
 * through the processing exception handler), drop a duplicate, apply the ordering rules, emit what changed, count
 * the event in the organization's status (emitted once per status interval), and only then remember the event id
 * (Events API events only: resync records are never delivered twice). Any other exception fails the processor (see
 * {@link dev.scimsync.processor.errors.DlqProcessingExceptionHandler}): the transaction aborts, so the stores, the
 * state topics and the remembered ids stay together.
 */
public final class DirectoryStateProcessor implements Processor<String, EventEnvelope, String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryStateProcessor.class);
    /** A step of a sweep taking longer than this is logged as a warning (the partition waits for it). */
    private static final Duration LONG_SWEEP_STEP = Duration.ofSeconds(1);

    /** Child (sink) names this processor forwards to. */
    public static final String MEMBERS_SINK = "members-sink";
    public static final String GROUPS_SINK = "groups-sink";
    public static final String MEMBERSHIPS_SINK = "memberships-sink";
    public static final String STATUS_SINK = "status-sink";

    /**
     * At most this many expired event ids are deleted by one punctuation (a few milliseconds of work, one
     * changelog record each), so that a backlog (the ids of an initial load, all expiring together) does not hold
     * the stream thread and its transaction. While one is left, the deletion goes on every status interval.
     */
    public static final int MAX_FORGOTTEN_IDS_PER_PUNCTUATION = 1_000;

    /** How often a sweep that goes on takes its next step (at most; the stream thread runs it between records). */
    static final Duration SWEEP_STEP_INTERVAL = Duration.ofMillis(1);

    /** Statuses kept as objects (a few hundred bytes each); more organizations than this in a task read some again. */
    static final int MAX_STATUS_OBJECTS = 10_000;

    private final Duration dedupRetention;
    private final Duration tombstoneRetention;
    private final Duration purgeInterval;
    private final Duration statusInterval;
    private final ProcessorMetrics metrics;
    private final long liveCommitMillis;
    private final int sweepStep;
    /**
     * When a live commit was last asked for, shared by the processors (tasks) of one Kafka Streams instance: with
     * exactly-once a commit covers every task of the thread, so the interval holds per instance, not per task.
     */
    private final AtomicLong lastLiveCommit;

    /** How recent an event's WorkOS created_at must be for the sync to count as live (commits sooner). */
    public static final Duration LIVE_WINDOW = Duration.ofSeconds(2);

    private ProcessorContext<String, Object> context;
    private EventDeduplicator dedup;
    private EntityStores stores;
    private DirectoryRules rules;
    private ResyncSweeper resyncs;
    private StoreObjects<SyncStatus> status;
    private KeyValueStore<String, String> pendingStatus;
    private long currentTimestamp;
    /** The punctuator that goes on deleting expired event ids while a backlog is left; null while none is. */
    private Cancellable forgettingBacklog;
    /** The punctuator that takes the next steps of the sweeps left in the store; null while none is. */
    private Cancellable sweepingOn;
    /** Resync id → the longest step of its sweep so far, for the log line of its end. */
    private final Map<String, Duration> longestSteps = new HashMap<>();

    /**
     * @param dedupRetention how long event ids are remembered, from the newest created_at seen
     * @param purgeInterval  how often expired removals and event ids are purged
     * @param statusInterval how often the status of each organization that changed is emitted (the commit
     *                       interval: one status per organization per transaction)
     */
    public DirectoryStateProcessor(Duration dedupRetention, Duration tombstoneRetention, Duration purgeInterval,
                                   Duration statusInterval, ProcessorMetrics metrics) {
        this(dedupRetention, tombstoneRetention, purgeInterval, statusInterval, Duration.ZERO, new AtomicLong(),
                Integer.parseInt(ProcessorSettings.SWEEP_STEP.defaultValue()), metrics);
    }

    /**
     * @param liveCommitInterval how often to ask for a commit while Events API events arrive within
     *                           {@link #LIVE_WINDOW} of their creation; zero = never (commits every commit interval)
     * @param lastLiveCommit     shared by every processor of one topology (see the field)
     * @param sweepStep          at most this many stored entities a resync's sweep or a directory's removal goes
     *                           through in one record or one punctuation; the rest in later punctuations
     */
    public DirectoryStateProcessor(Duration dedupRetention, Duration tombstoneRetention, Duration purgeInterval,
                                   Duration statusInterval, Duration liveCommitInterval, AtomicLong lastLiveCommit,
                                   int sweepStep, ProcessorMetrics metrics) {
        this.sweepStep = sweepStep;
        this.liveCommitMillis = liveCommitInterval.toMillis();
        this.lastLiveCommit = lastLiveCommit;
        this.dedupRetention = dedupRetention;
        this.tombstoneRetention = tombstoneRetention;
        this.purgeInterval = purgeInterval;
        this.statusInterval = statusInterval;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.dedup = new EventDeduplicator(context.getStateStore(StateStores.DEDUP), dedupRetention);
        Removals removals = new Removals(context.getStateStore(StateStores.REMOVALS), tombstoneRetention,
                context::currentSystemTimeMs);
        this.stores = new EntityStores(context.getStateStore(StateStores.MEMBERS),
                context.getStateStore(StateStores.GROUPS), context.getStateStore(StateStores.MEMBERSHIPS),
                context.getStateStore(StateStores.MEMBERSHIPS_BY_MEMBER),
                context.getStateStore(StateStores.DIRECTORY_REMOVALS), context.getStateStore(StateStores.SWEEPS),
                removals, new Emitter());
        this.rules = new DirectoryRules(stores, sweepStep, this::now);
        this.resyncs = new ResyncSweeper(context.getStateStore(StateStores.RESYNCS),
                context.getStateStore(StateStores.RESYNC_SEEN), stores, rules);
        // new objects per init: after a dirty close (aborted transaction) the store is restored, not the objects
        this.status = new StoreObjects<>(context.getStateStore(StateStores.STATUS), MAX_STATUS_OBJECTS);
        this.pendingStatus = context.getStateStore(StateStores.PENDING_STATUS);
        this.forgettingBacklog = null;
        this.sweepingOn = null;
        this.longestSteps.clear();
        if (!stores.sweeps().isEmpty()) {
            // stopped (or moved here) while sweeps went on: they go on from their last committed step
            sweepInSteps();
        }
        context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::purgeExpired);
        context.schedule(statusInterval, PunctuationType.WALL_CLOCK_TIME, this::emitPendingStatus);
    }

    @Override
    public void process(Record<String, EventEnvelope> record) {
        EventEnvelope envelope = record.value();
        DirectoryChange change = EventParser.parse(record.key(), envelope);
        // WorkOS may serve an event twice; scim-sync's own resync records never come twice (each chunk is one Kafka
        // transaction, never sent again; a new try is a new resync id), so their ids are neither looked up nor kept:
        // a store write and a changelog record saved per snapshot item, most of a resync's and a replay's records
        boolean deduplicated = envelope.source() != EventSource.RESYNC;
        if (deduplicated && dedup.isDuplicate(change.eventId(), change.eventCreatedAt())) {
            metrics.duplicate(envelope.eventType());
            return;
        }
        currentTimestamp = record.timestamp();
        Changes changes = stores.begin();
        String org = envelope.organizationId();
        if (change instanceof DirectoryChange.ResyncBegin begin) {
            ResyncSweeper.Ended superseded = resyncs.begin(begin, now());
            if (superseded != null) {
                updateResyncStatus(org, superseded.resyncId(), superseded.state(), superseded.outcome(), changes);
            }
            updateResyncStatus(org, begin.resyncId(), "running", null, changes);
            metrics.applied(envelope.eventType());
        } else if (change instanceof DirectoryChange.ResyncEnd end) {
            long started = System.nanoTime();
            ResyncSweeper.Step step = resyncs.end(end, changes, now(), sweepStep);
            if (step != null) {
                swept(org, end.resyncId(), step, changes, Duration.ZERO, Duration.ofNanos(System.nanoTime() - started),
                        1);
                metrics.applied(envelope.eventType());
            } else {
                metrics.stale(envelope.eventType());
            }
        } else {
            String itemOf = envelope.source() == EventSource.RESYNC ? envelope.resyncId() : null;
            // a dry run's snapshot only marks what it lists: the preview changes nothing, even once it is no longer
            // the open resync (replaced, expired); its id says it is a dry run
            if (!ResyncIds.isDryRun(itemOf)) {
                long started = System.nanoTime();
                rules.apply(change);
                if (change instanceof DirectoryChange.RemoveDirectory) {
                    // the first step of the directory's removal
                    stepTook(org, Duration.ofNanos(System.nanoTime() - started));
                }
            }
            resyncs.touched(org, change, itemOf);
            if (changes.any()) {
                updateStatus(org, itemOf == null ? change : null, changes);
                metrics.applied(envelope.eventType());
            } else if (!(change instanceof DirectoryChange.NoChange)) {
                metrics.stale(envelope.eventType());
            }
        }
        if (resyncs.takeMarksLeft()) {
            forgetInBatches();
        }
        if (stores.takeSweepLeft()) {
            sweepInSteps();
        }
        rename(org, envelope.organizationName());
        if (deduplicated) {
            dedup.remember(change.eventId(), change.eventCreatedAt(), envelope.eventType());
        }
        maybeCommitLive(envelope, change.eventCreatedAt());
    }

    /**
     * Asks for a commit sooner than the commit interval while the sync is live: an Events API event created less than
     * {@link #LIVE_WINDOW} ago, and {@code liveCommitMillis} since the last ask. Exactly-once output becomes visible
     * only at a commit, so this is most of the sync lag at steady rates; each commit costs a few milliseconds,
     * which a bulk load (a backlog of older events, a resync's snapshot, a replay) does not pay.
     */
    private void maybeCommitLive(EventEnvelope envelope, Instant createdAt) {
        if (liveCommitMillis <= 0 || envelope.source() != EventSource.EVENTS_API || createdAt == null) {
            return;
        }
        long now = context.currentSystemTimeMs();
        long last = lastLiveCommit.get();
        if (now - last >= liveCommitMillis && now - createdAt.toEpochMilli() <= LIVE_WINDOW.toMillis()
                && lastLiveCommit.compareAndSet(last, now)) {
            context.commit();
        }
    }

    @Override
    public void close() {
        if (status != null) {
            status.clear();
            stores.clearObjects();
        }
    }

    /**
     * Takes the organization's name from the envelope into its status when it is new or changed. A name the database
     * cannot store (NUL, unpaired surrogate) is left out: in every status record it would fail them all.
     */
    private void rename(String org, String name) {
        if (name == null || !EventParser.storable(name)) {
            return;
        }
        SyncStatus previous = status.get(org);
        if (previous != null && name.equals(previous.organizationName())) {
            return;
        }
        SyncStatus next = previous == null
                ? new SyncStatus(org, null, null, null, 0, 0, 0, null, null, 1, now(), null, null, name)
                : new SyncStatus(org, previous.lastEventId(), previous.lastEventCreatedAt(), previous.lastAppliedAt(),
                        previous.members(), previous.groups(), previous.memberships(), previous.resyncId(),
                        previous.resyncState(), previous.appliedEvents() + 1, previous.countingSince(),
                        previous.resyncOutcome(), previous.resyncChangedAt(), name);
        status.put(org, next);
        pendingStatus.put(org, "");
    }

    /**
     * A resync's state in the organization's status: the last event applied stays the last WorkOS event (markers
     * are not WorkOS events), the counts move by what a sweep removed, and the applied-events count moves so that
     * the writer takes this status as the newer one. Emitted at once, not at the next status interval: a later
     * resync's begin marker in the same interval must not hide this one's end.
     */
    private void updateResyncStatus(String org, String resyncId, String state, ResyncOutcome outcome,
                                    Changes changes) {
        SyncStatus previous = status.get(org);
        SyncStatus next = previous == null
                ? new SyncStatus(org, null, null, null, changes.membersDelta(), changes.groupsDelta(),
                        changes.membershipsDelta(), resyncId, state, 1, now(), outcome, now())
                : new SyncStatus(org, previous.lastEventId(), previous.lastEventCreatedAt(), previous.lastAppliedAt(),
                        previous.members() + changes.membersDelta(), previous.groups() + changes.groupsDelta(),
                        previous.memberships() + changes.membershipsDelta(), resyncId, state,
                        previous.appliedEvents() + 1, previous.countingSince(), outcome, now(),
                        previous.organizationName());
        status.put(org, next);
        context.forward(new Record<>(org, (Object) next, context.currentSystemTimeMs(), new RecordHeaders()),
                STATUS_SINK);
        // sent: the next punctuation need not send the same status again
        pendingStatus.delete(org);
    }

    /**
     * Counts the applied event in the organization's status; the status is emitted by {@link #emitPendingStatus},
     * so a burst of events costs one status record per organization, not one per event. Pending is a store (with
     * its changelog), not a field: a commit before the punctuation, or a restart, does not lose the emission.
     *
     * @param workosEvent the WorkOS event applied, which becomes the last event applied; null for what is not one
     *                    (a snapshot item, a sweep's step): the last event applied (and the lag it implies) stays
     */
    private void updateStatus(String org, DirectoryChange workosEvent, Changes changes) {
        SyncStatus previous = status.get(org);
        boolean fromWorkos = workosEvent != null;
        String lastEventId = fromWorkos ? workosEvent.eventId() : previous == null ? null : previous.lastEventId();
        Instant lastEventCreatedAt = fromWorkos ? workosEvent.eventCreatedAt()
                : previous == null ? null : previous.lastEventCreatedAt();
        Instant lastAppliedAt = fromWorkos ? now() : previous == null ? null : previous.lastAppliedAt();
        SyncStatus next = previous == null
                ? new SyncStatus(org, lastEventId, lastEventCreatedAt, lastAppliedAt, changes.membersDelta(),
                        changes.groupsDelta(), changes.membershipsDelta(), null, null, 1, now())
                : new SyncStatus(org, lastEventId, lastEventCreatedAt, lastAppliedAt,
                        previous.members() + changes.membersDelta(), previous.groups() + changes.groupsDelta(),
                        previous.memberships() + changes.membershipsDelta(), previous.resyncId(),
                        previous.resyncState(), previous.appliedEvents() + 1, previous.countingSince(),
                        previous.resyncOutcome(), previous.resyncChangedAt(), previous.organizationName());
        status.put(org, next);
        pendingStatus.put(org, "");
    }

    /** The latest status of every organization that applied events since the last call: its count is exact. */
    private void emitPendingStatus(long now) {
        List<String> organizations = new ArrayList<>();
        try (KeyValueIterator<String, String> it = pendingStatus.all()) {
            it.forEachRemaining(entry -> organizations.add(entry.key));
        }
        for (String org : organizations) {
            context.forward(new Record<>(org, (Object) status.get(org), now, new RecordHeaders()), STATUS_SINK);
            pendingStatus.delete(org);
        }
    }

    /** Takes the next steps of the sweeps left in the store, every {@link #SWEEP_STEP_INTERVAL}, until none is left. */
    private void sweepInSteps() {
        if (sweepingOn == null) {
            sweepingOn = context.schedule(SWEEP_STEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::continueSweeps);
        }
    }

    /**
     * One step of the sweeps left: at most {@code sweepStep} entities and about {@link Sweep#STEP_TIME} in all, the
     * sweeps in key order (organization first), so the partition's records wait at most one step between two of theirs.
     */
    private void continueSweeps(long now) {
        currentTimestamp = now;
        int budget = sweepStep;
        long punctuation = System.nanoTime();
        List<Sweep> left = stores.sweeps();
        for (Sweep sweep : left) {
            if (budget <= 0 || System.nanoTime() - punctuation >= Sweep.STEP_TIME.toNanos()) {
                break;
            }
            long started = System.nanoTime();
            Changes changes = stores.begin();
            String org = sweep.organizationId();
            if (sweep.kind() == Sweep.Kind.RESYNC) {
                ResyncSweeper.Step step = resyncs.step(sweep, budget, changes);
                budget -= step.visited();
                swept(org, sweep.resync().resyncId(), step, changes, Duration.between(sweep.startedAt(), now()),
                        Duration.ofNanos(System.nanoTime() - started), sweep.steps() + 1);
            } else {
                budget -= rules.continueDirectoryRemoval(sweep, budget);
                if (changes.any()) {
                    countSwept(org, changes);
                }
                stepTook(org, Duration.ofNanos(System.nanoTime() - started));
            }
        }
        stores.takeSweepLeft();
        if (resyncs.takeMarksLeft()) {
            forgetInBatches();
        }
        if (budget > 0 && sweepingOn != null && stores.sweeps().isEmpty()) {
            sweepingOn.cancel();
            sweepingOn = null;
        }
    }

    /**
     * The outcome of a step of a resync's sweep: the resync's end in its status once it has one, otherwise what the
     * step removed in the organization's counts (its state stays running).
     *
     * @param before how long the sweep had gone on before this step
     * @param took   this step's time
     * @param steps  steps taken, this one included
     */
    private void swept(String org, String resyncId, ResyncSweeper.Step step, Changes changes, Duration before,
                       Duration took, int steps) {
        ResyncSweeper.Ended ended = step.ended();
        Duration longest = longestSteps.merge(resyncId, took, (a, b) -> a.compareTo(b) >= 0 ? a : b);
        if (ended != null) {
            longestSteps.remove(resyncId);
            updateResyncStatus(org, ended.resyncId(), ended.state(), ended.outcome(), changes);
            reportEnded(ended, before.plus(took), longest, steps);
        } else if (changes.any()) {
            countSwept(org, changes);
        }
        stepTook(org, took);
    }

    /** A step of a sweep: timed, and a warning when the partition waited long for it. */
    private void stepTook(String org, Duration took) {
        metrics.sweepStep(took);
        if (took.compareTo(LONG_SWEEP_STEP) > 0) {
            LOG.warn("a step of a sweep of {} took {} ms: the partition's other organizations waited as long "
                    + "(SCIM_SYNC_PROCESSOR_SWEEP_STEP is {} entities)", org, took.toMillis(), sweepStep);
        }
    }

    /**
     * What a step of a sweep removed, in the organization's counts (emitted with the next status interval). The
     * applied-events count moves too, as for an event: the writer takes a status only when that count is newer.
     */
    private void countSwept(String org, Changes changes) {
        updateStatus(org, null, changes);
    }

    private void purgeExpired(long now) {
        for (ResyncSweeper.Ended ended : resyncs.expire(Instant.ofEpochMilli(now))) {
            updateResyncStatus(ended.organizationId(), ended.resyncId(), ended.state(), ended.outcome(), stores.begin());
        }
        for (Removals.Expired expired : stores.removals().expiredAt(now)) {
            stores.purge(expired);
        }
        forgetExpiredIds(now);
    }

    /**
     * Deletes a bounded batch of expired event ids; while a full batch suggests more are left, a punctuator every
     * status interval goes on until one is not full. Which ids are live does not depend on it (the lookup checks the
     * retention itself): it only bounds the store.
     */
    private void forgetExpiredIds(long now) {
        // the marks of resyncs that ended with more than their ending record deleted go the same way
        boolean backlog = dedup.forgetExpired(MAX_FORGOTTEN_IDS_PER_PUNCTUATION) == MAX_FORGOTTEN_IDS_PER_PUNCTUATION
                | resyncs.forgetEnded(MAX_FORGOTTEN_IDS_PER_PUNCTUATION) == MAX_FORGOTTEN_IDS_PER_PUNCTUATION;
        if (backlog) {
            forgetInBatches();
        } else if (forgettingBacklog != null) {
            forgettingBacklog.cancel();
            forgettingBacklog = null;
        }
    }

    /** Goes on deleting expired event ids and ended resyncs' marks every status interval, until a batch is not full. */
    private void forgetInBatches() {
        if (forgettingBacklog == null) {
            forgettingBacklog = context.schedule(statusInterval, PunctuationType.WALL_CLOCK_TIME,
                    this::forgetExpiredIds);
        }
    }

    /**
     * A resync's end: logged with what it removed and how long its sweep took from the end marker (the steps between
     * the partition's other records included), and timed.
     *
     * @param took    from the end marker to this end
     * @param longest the longest of its steps (since this processor took the sweep on)
     */
    private void reportEnded(ResyncSweeper.Ended ended, Duration took, Duration longest, int steps) {
        metrics.resyncEnded(took);
        LOG.info("resync {} of {} ended {}{} in {} ms ({} {}, the longest {} ms)", ended.resyncId(),
                ended.organizationId(), ended.state(), describe(ended), took.toMillis(), steps,
                steps == 1 ? "step" : "steps", longest.toMillis());
    }

    /** What an ended resync removed (or would have), or why it failed, for the log line. */
    private static String describe(ResyncSweeper.Ended ended) {
        ResyncOutcome outcome = ended.outcome();
        if (outcome == null) {
            return "";
        }
        if ("failed".equals(ended.state())) {
            return " (" + outcome.note() + ")";
        }
        boolean applied = "completed".equals(ended.state()) && !outcome.dryRun();
        return String.format(Locale.ROOT, ": %d members, %d groups and %d memberships of %d present members %s",
                outcome.members(), outcome.groups(), outcome.memberships(), outcome.presentMembers(),
                applied ? "removed" : "to remove");
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    private void forward(String key, Object value, String child) {
        context.forward(new Record<>(key, value, currentTimestamp, new RecordHeaders()), child);
    }

    private final class Emitter implements StateEmitter {
        @Override
        public void member(Member member) {
            forward(member.key(), member, MEMBERS_SINK);
        }

        @Override
        public void group(Group group) {
            forward(group.key(), group, GROUPS_SINK);
        }

        @Override
        public void membership(Membership membership) {
            forward(membership.key(), membership, MEMBERSHIPS_SINK);
        }
    }
}
