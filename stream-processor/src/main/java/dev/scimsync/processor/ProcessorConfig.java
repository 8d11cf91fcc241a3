package dev.scimsync.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import dev.scimsync.core.config.CommonSettings;
import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.processor.errors.DeadLetters;
import dev.scimsync.processor.errors.DlqDeserializationExceptionHandler;
import dev.scimsync.processor.errors.DlqProcessingExceptionHandler;
import dev.scimsync.processor.errors.FailingProductionExceptionHandler;

/**
 * The stream processor's configuration, read once at start.
 *
 * @param bootstrapServers   Kafka bootstrap servers; null when none was configured (zero-setup mode: the caller
 *                           starts the embedded broker and sets it with {@link #withBootstrapServers})
 * @param topics             every topic name, under the configured prefix
 * @param applicationId      Kafka Streams application id
 * @param stateDir           where RocksDB keeps the stores
 * @param dedupRetention     how long event ids are remembered, from the newest {@code created_at} seen
 * @param tombstoneRetention how long removed entities keep their version in the stores
 * @param purgeInterval      how often expired removals and event ids are purged
 * @param commitInterval     Kafka Streams commit interval
 * @param liveCommitInterval while events arrive as WorkOS creates them, a commit is asked for this often (sooner than
 *                           the commit interval, so live changes reach readers sooner); zero = never
 * @param sweepStep          at most this many stored entities a resync's sweep or a directory's removal goes through
 *                           in one record's processing or one punctuation (the rest later)
 * @param threads            stream threads
 * @param replicationFactor  of the internal topics; -1 = broker default
 * @param onBadRecord        DLQ or fail
 * @param onlyOrganization   apply only this organization's events (a replay of one organization); null = all
 * @param groupInstanceId    static membership of the main consumers (Kafka Streams appends the thread); null = none
 * @param disposableState    the state is thrown away if the application stops before its end (a replay): stores
 *                           without changelogs and at-least-once processing instead of exactly-once. A record
 *                           processed twice (after a rebalance) finds its effects in the stores and is stale by the
 *                           version rules; the output it repeats is stale for the writer's version guard
 * @param replayStores       where the stores of this deployment's replays go ({@link #forReplay})
 * @param heapState          the stores on the heap instead of RocksDB (a replay's, when they fit); only with
 *                           {@code disposableState}
 */
public record ProcessorConfig(
        String bootstrapServers,
        Topics topics,
        String applicationId,
        Path stateDir,
        Duration dedupRetention,
        Duration tombstoneRetention,
        Duration purgeInterval,
        Duration commitInterval,
        Duration liveCommitInterval,
        int sweepStep,
        int threads,
        int replicationFactor,
        BadRecordPolicy onBadRecord,
        String onlyOrganization,
        String groupInstanceId,
        boolean disposableState,
        ReplayStores replayStores,
        boolean heapState) {

    /** A replay's shortest commit interval: each commit flushes the stores and the producer, a pause in bulk work. */
    public static final Duration REPLAY_MIN_COMMIT_INTERVAL = Duration.ofSeconds(1);
    /**
     * The commit interval of a replay of fewer than {@link #SMALL_REPLAY_EVENTS} events: its end is seen at its first
     * commit after the last event (its committed offsets are its progress), which the longer interval delayed by up to a
     * second — a third of a replay of a few thousand events.
     */
    public static final Duration SMALL_REPLAY_COMMIT_INTERVAL = Duration.ofMillis(200);
    public static final long SMALL_REPLAY_EVENTS = 100_000;

    /** How long an idle stream thread polls before it runs its punctuations again. */
    static final Duration IDLE_POLL = Duration.ofMillis(10);
    /** The Kafka clients' own default retry.backoff.ms, kept for Kafka Streams' clients (see streamsProperties). */
    private static final int CLIENT_RETRY_BACKOFF_MS = 100;

    public ProcessorConfig {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(dedupRetention, "dedupRetention");
        Objects.requireNonNull(tombstoneRetention, "tombstoneRetention");
        Objects.requireNonNull(purgeInterval, "purgeInterval");
        Objects.requireNonNull(commitInterval, "commitInterval");
        Objects.requireNonNull(liveCommitInterval, "liveCommitInterval");
        Objects.requireNonNull(onBadRecord, "onBadRecord");
        Objects.requireNonNull(replayStores, "replayStores");
        if (heapState && !disposableState) {
            throw new IllegalArgumentException("only disposable state may be kept on the heap");
        }
    }

    /**
     * Reads every processor setting plus the common ones it uses.
     *
     * @throws dev.scimsync.core.config.ConfigException listing every problem the reader has collected so far
     */
    public static ProcessorConfig from(ConfigReader reader) {
        String bootstrap = reader.get(CommonSettings.KAFKA_BOOTSTRAP);
        String prefix = reader.get(CommonSettings.TOPIC_PREFIX);
        Path dataDir = reader.get(CommonSettings.DATA_DIR);
        String applicationId = reader.get(ProcessorSettings.APPLICATION_ID);
        Path stateDir = reader.get(ProcessorSettings.STATE_DIR);
        Duration dedup = reader.get(ProcessorSettings.DEDUP_RETENTION);
        Duration tombstones = reader.get(ProcessorSettings.TOMBSTONE_RETENTION);
        Duration purge = reader.get(ProcessorSettings.PURGE_INTERVAL);
        Duration commit = reader.get(ProcessorSettings.COMMIT_INTERVAL);
        Duration liveCommit = reader.get(ProcessorSettings.LIVE_COMMIT_INTERVAL);
        Integer sweepStep = reader.get(ProcessorSettings.SWEEP_STEP);
        Integer threads = reader.get(ProcessorSettings.THREADS);
        Integer replication = reader.get(ProcessorSettings.REPLICATION_FACTOR);
        BadRecordPolicy onBadRecord = reader.get(ProcessorSettings.ON_BAD_RECORD);
        ReplayStores replayStores = reader.get(ProcessorSettings.REPLAY_STORES);
        reader.check(replication == null || replication != 0, ProcessorSettings.REPLICATION_FACTOR.name(),
                "expected -1 (broker default) or at least 1, got 0");
        reader.check(dedup == null || dedup.toMillis() >= 1, ProcessorSettings.DEDUP_RETENTION.name(),
                "must be at least 1 ms");
        // the purge drops removal records once their tombstone retention is up: a longer interval would keep
        // them up to twice as long as configured. The dedup retention may be shorter than the interval: the
        // lookup itself ignores event ids past it, the purge only deletes them from the store
        reader.check(tombstones == null || purge == null || purge.compareTo(tombstones) <= 0,
                ProcessorSettings.PURGE_INTERVAL.name(), "must not be longer than "
                        + ProcessorSettings.TOMBSTONE_RETENTION.name());
        reader.throwIfInvalid();
        if (stateDir == null) {
            stateDir = dataDir.resolve("stream-processor");
        }
        return new ProcessorConfig(bootstrap, new Topics(prefix), applicationId, stateDir, dedup, tombstones, purge,
                commit, liveCommit, sweepStep, threads, replication, onBadRecord, null, null, false, replayStores, false);
    }

    /** The same configuration with the bootstrap servers of a broker started by the caller. */
    public ProcessorConfig withBootstrapServers(String servers) {
        return new ProcessorConfig(servers, topics, applicationId, stateDir, dedupRetention, tombstoneRetention,
                purgeInterval, commitInterval, liveCommitInterval, sweepStep, threads, replicationFactor, onBadRecord, onlyOrganization,
                groupInstanceId, disposableState, replayStores, heapState);
    }

    /**
     * The same configuration as a static member of the group: a restart with the same id takes its tasks back at once
     * instead of waiting for the old member's session to expire (after a kill -9).
     */
    public ProcessorConfig withGroupInstanceId(String id) {
        return new ProcessorConfig(bootstrapServers, topics, applicationId, stateDir, dedupRetention, tombstoneRetention,
                purgeInterval, commitInterval, liveCommitInterval, sweepStep, threads, replicationFactor, onBadRecord, onlyOrganization,
                id, disposableState, replayStores, heapState);
    }

    /**
     * The configuration of a replay: the same rules, its own application id (so its own stores, offsets and, under the same state directory, its own folder), reading this deployment's events topic from the start into {@code shadow}'s
     * state topics; only {@code organizationId}'s events when it is not null. A replay is bulk work whose rows nobody
     * reads before the switch: no live commits, and commits at least {@link #REPLAY_MIN_COMMIT_INTERVAL} apart
     * ({@link #SMALL_REPLAY_COMMIT_INTERVAL} for a small history of {@code events}). Its
     * state is {@linkplain #disposableState disposable}: a replay that stops is failed and its leftovers deleted, never
     * resumed, so its stores need no changelogs (about three of every four records it would otherwise produce, ~3.1
     * changelog records per event beside its one state record) and its commits no transactions; with
     * {@code onHeap} its stores are on the heap ({@link ReplayStores#onHeap} decides).
     */
    public ProcessorConfig forReplay(String replayId, Topics shadow, String organizationId, boolean onHeap,
                                     long events) {
        Duration commit = events < SMALL_REPLAY_EVENTS ? SMALL_REPLAY_COMMIT_INTERVAL
                : commitInterval.compareTo(REPLAY_MIN_COMMIT_INTERVAL) < 0 ? REPLAY_MIN_COMMIT_INTERVAL : commitInterval;
        return new ProcessorConfig(bootstrapServers, shadow.readingEventsOf(topics), applicationId + "-" + replayId,
                stateDir, dedupRetention, tombstoneRetention, purgeInterval, commit, Duration.ZERO, sweepStep, threads,
                replicationFactor, onBadRecord, organizationId, null, true, replayStores, onHeap);
    }

    /**
     * The Kafka Streams properties: exactly-once (at-least-once for {@linkplain #disposableState disposable} state),
     * the DLQ exception handlers, stores under {@link #stateDir}.
     * Pure: used by {@link StreamProcessor} and, with a dummy bootstrap, by the topology tests.
     */
    public Properties streamsProperties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers == null ? "" : bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                disposableState ? StreamsConfig.AT_LEAST_ONCE : StreamsConfig.EXACTLY_ONCE_V2);
        if (disposableState) {
            // exactly-once reads committed records only by itself; at-least-once would read what the poller's or a
            // resync's aborted transactions left on the events topic, which the live processor never applied
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        }
        // Kafka Streams waits this long between its rounds of creating its changelog topics at a first start (one
        // came ready per round: 12 rounds, 1.1 s at the default 100 ms). The rounds run in the main consumer's
        // partition assignor, which reads it from the main consumer's configuration: that client retries sooner too
        // (growing to retry.backoff.max.ms, 1 s, as before); the others keep the clients' default
        props.put(StreamsConfig.RETRY_BACKOFF_MS_CONFIG, 10);
        for (String client : List.of(StreamsConfig.restoreConsumerPrefix(""), StreamsConfig.globalConsumerPrefix(""),
                StreamsConfig.producerPrefix(""), StreamsConfig.adminClientPrefix(""))) {
            props.put(client + CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG, CLIENT_RETRY_BACKOFF_MS);
        }
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        // an idle stream thread waits this long in poll before its punctuations run: the next step of a sweep that
        // goes on comes this much sooner (the default 100 ms would add a tenth of a second per step)
        props.put(StreamsConfig.POLL_MS_CONFIG, IDLE_POLL.toMillis());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DlqDeserializationExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DlqProcessingExceptionHandler.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, FailingProductionExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.dlq().name());
        props.put(DeadLetters.POLICY_CONFIG, onBadRecord.name());
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        // as in the poller: with transactions v2 a transaction's first send answered CONCURRENT_TRANSACTIONS (the
        // previous commit's markers still being written) makes the requests behind it fail with
        // OUT_OF_ORDER_SEQUENCE_NUMBER; the client retries them, but the broker logs errors. Seen once under a
        // 60k-event load during a live run; one request in flight costs nothing measurable (bench, 20k users:
        // 13.6-13.8 s with it, 14.2 s without)
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
        // an instance killed without leaving the group holds its tasks until its session expires: 10 s, not 45
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
        if (groupInstanceId != null) {
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), groupInstanceId);
        }
        return props;
    }
}
