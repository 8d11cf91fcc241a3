package dev.scimsync.writer;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;

import dev.scimsync.writer.apply.BatchFailedException;
import dev.scimsync.writer.apply.BatchResult;
import dev.scimsync.writer.apply.BatchWriter;
import dev.scimsync.writer.apply.RecordDecoder;
import dev.scimsync.writer.db.PostgresDialect;
import dev.scimsync.writer.db.RecordErrors;
import dev.scimsync.writer.db.TransientErrors;
import dev.scimsync.writer.dlq.KafkaDeadLetterSink;
import dev.scimsync.writer.metrics.WriterMetrics;
import dev.scimsync.writer.offsets.FencedException;
import dev.scimsync.writer.offsets.OffsetStore;

/**
 * Consumes the members, groups, memberships and status topics and writes them to the organization database
 * in batches, on its own thread. The database holds the offsets (written in each batch's transaction); on
 * every assignment the consumer seeks to them, so a crash at any point neither loses nor repeats an effect.
 * Kafka's committed offsets are written after the database commit as a hint for lag tooling only.
 */
public final class StateWriter implements AutoCloseable {

    /** Test seams around the commit. */
    interface Hooks {
        Hooks NONE = new Hooks() {
        };

        /** Inside the transaction, just before it commits. */
        default void beforeDatabaseCommit() throws Exception {
        }

        /** After the database commit, before the Kafka commit. */
        default void afterDatabaseCommit(BatchResult result) {
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(StateWriter.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration DLQ_TIMEOUT = Duration.ofSeconds(30);

    private final WriterConfig config;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> dlqProducer;
    private final RecordDecoder decoder;
    private final BatchWriter batchWriter;
    private final Hooks hooks;
    private final Map<TopicPartition, Long> lastApplied = new ConcurrentHashMap<>();
    private final Set<TopicPartition> pendingSeek = new HashSet<>();
    private final List<ConsumerRecord<byte[], byte[]>> buffer = new ArrayList<>();
    private final AtomicLong batches = new AtomicLong();
    private volatile boolean running;
    private volatile Throwable failure;
    private Thread thread;
    private long firstBufferedAtNanos;

    /** Connects to the broker in {@code config}; the data source must be migrated ({@link Database#migrate()}). */
    public StateWriter(WriterConfig config, DataSource dataSource, MeterRegistry registry) {
        this(config, dataSource, registry, new KafkaConsumer<>(consumerProperties(config)),
                new KafkaProducer<>(producerProperties(config)));
    }

    /** With given clients, which the writer then owns and closes. */
    public StateWriter(WriterConfig config, DataSource dataSource, MeterRegistry registry,
                       Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> dlqProducer) {
        this(config, dataSource, registry, consumer, dlqProducer, Hooks.NONE);
    }

    StateWriter(WriterConfig config, DataSource dataSource, MeterRegistry registry, Consumer<byte[], byte[]> consumer,
                Producer<byte[], byte[]> dlqProducer, Hooks hooks) {
        this.config = config;
        this.consumer = consumer;
        this.dlqProducer = dlqProducer;
        this.hooks = hooks;
        this.decoder = new RecordDecoder(config.topics());
        this.batchWriter = new BatchWriter(dataSource, decoder, new OffsetStore(new PostgresDialect(), config.groupId()),
                config.retry(), new KafkaDeadLetterSink(dlqProducer, config.topics().dlq().name(), DLQ_TIMEOUT),
                new WriterMetrics(registry, Clock.systemUTC()), hooks::beforeDatabaseCommit, config.computeAccess());
    }

    static Properties consumerProperties(WriterConfig config) {
        if (config.kafkaBootstrap() == null) {
            throw new IllegalStateException("no Kafka bootstrap servers: set SCIM_SYNC_KAFKA_BOOTSTRAP or start the "
                    + "embedded broker and pass it with WriterConfig.withKafkaBootstrap");
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.batchSize()));
        // a writer killed without leaving the group holds its partitions until its session expires: 10 s, not 45
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        if (config.groupInstanceId() != null) {
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.groupInstanceId());
        }
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    static Properties producerProperties(WriterConfig config) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.groupId() + "-dlq");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** Starts the consumer thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new Thread(this::run, "scim-sync-state-writer");
        thread.start();
    }

    /**
     * The next offset the database holds for each partition this writer owns (read at assignment, then moved
     * by each committed batch); partitions with nothing stored yet are absent.
     */
    public Map<TopicPartition, Long> lastAppliedOffsets() {
        return Map.copyOf(lastApplied);
    }

    /** Batches committed since start. */
    public long batchesWritten() {
        return batches.get();
    }

    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** Why the writer's thread stopped, if it stopped on an error. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** A static member too leaves the group when it stops: its partitions move at once, not after its session. */
    private static final CloseOptions LEAVE_GROUP = CloseOptions.groupMembershipOperation(
            CloseOptions.GroupMembershipOperation.LEAVE_GROUP);

    /** Writes what was already polled, then stops and closes the clients. */
    @Override
    public void close() {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            consumer.wakeup();
            try {
                t.join(Duration.ofSeconds(60).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(LEAVE_GROUP);
        }
        dlqProducer.close(Duration.ofSeconds(10));
    }

    private void run() {
        try {
            consumer.subscribe(decoder.topicNames(), new Rebalance());
            while (running) {
                seekPending();
                ConsumerRecords<byte[], byte[]> polled;
                try {
                    polled = consumer.poll(pollTimeout());
                } catch (WakeupException e) {
                    if (running) {
                        throw e;
                    }
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> record : polled) {
                    if (buffer.isEmpty()) {
                        firstBufferedAtNanos = System.nanoTime();
                    }
                    buffer.add(record);
                }
                if (buffer.size() >= config.batchSize() || !buffer.isEmpty() && waitedLongEnough()) {
                    flush();
                }
            }
            flush();
        } catch (Throwable t) {
            failure = t;
            // a database error's stack trace would repeat the statement with its values: described, not printed
            if (RecordErrors.isDatabaseError(t)) {
                LOG.error("state-writer stopped: {}", TransientErrors.describe(t));
            } else {
                LOG.error("state-writer stopped: {}", TransientErrors.describe(t), t);
            }
        } finally {
            try {
                consumer.close(LEAVE_GROUP);
            } catch (RuntimeException e) {
                LOG.warn("closing the consumer failed: {}", e.toString());
            }
        }
    }

    private Duration pollTimeout() {
        if (buffer.isEmpty()) {
            return IDLE_POLL;
        }
        long left = config.batchMaxWait().toNanos() - (System.nanoTime() - firstBufferedAtNanos);
        return Duration.ofNanos(Math.max(0, left));
    }

    private boolean waitedLongEnough() {
        return System.nanoTime() - firstBufferedAtNanos >= config.batchMaxWait().toNanos();
    }

    /**
     * Writes the buffer, batch by batch. When the database or the DLQ is unavailable, puts the records back
     * by seeking to the stored offsets; a {@link BatchFailedException} stops the writer.
     */
    private void flush() {
        if (buffer.isEmpty()) {
            return;
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(buffer);
        buffer.clear();
        try {
            for (int from = 0; from < records.size(); from += config.batchSize()) {
                List<ConsumerRecord<byte[], byte[]>> batch = records.subList(from, Math.min(records.size(), from + config.batchSize()));
                BatchResult result = batchWriter.write(batch);
                batches.incrementAndGet();
                lastApplied.putAll(result.nextOffsets());
                hooks.afterDatabaseCommit(result);
                commitHint(result.nextOffsets());
            }
        } catch (FencedException e) {
            LOG.warn("{}; re-reading stored offsets", e.getMessage());
            reseekAll();
        } catch (BatchFailedException e) {
            throw e; // skipping the batch would diverge silently and retrying it in a loop hides the problem: stop
        } catch (Exception e) {
            LOG.error("could not write a batch ({}); re-reading from the stored offsets after {}",
                    TransientErrors.describe(e), config.retryMaxBackoff());
            reseekAll();
            sleep(config.retryMaxBackoff());
        }
    }

    private void commitHint(Map<TopicPartition, Long> next) {
        if (!config.commitToKafka()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> hint = new HashMap<>();
        Set<TopicPartition> owned = consumer.assignment();
        next.forEach((tp, offset) -> {
            if (owned.contains(tp)) {
                hint.put(tp, new OffsetAndMetadata(offset));
            }
        });
        if (!hint.isEmpty()) {
            consumer.commitAsync(hint, (offsets, error) -> {
                if (error != null) {
                    LOG.debug("Kafka offset hint not committed (the database holds the offsets): {}", error.toString());
                }
            });
        }
    }

    private void reseekAll() {
        Set<TopicPartition> owned = consumer.assignment();
        pendingSeek.addAll(owned);
        consumer.pause(owned);
    }

    /** Seeks paused partitions to their stored offsets (the beginning when none is stored), then resumes them. */
    private void seekPending() {
        if (pendingSeek.isEmpty()) {
            return;
        }
        Set<TopicPartition> partitions = new HashSet<>(pendingSeek);
        partitions.retainAll(consumer.assignment());
        try {
            Map<TopicPartition, Long> stored = batchWriter.loadOffsets(partitions);
            List<TopicPartition> fromStart = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                Long offset = stored.get(tp);
                if (offset == null) {
                    fromStart.add(tp);
                } else {
                    consumer.seek(tp, offset);
                }
            }
            if (!fromStart.isEmpty()) {
                consumer.seekToBeginning(fromStart);
            }
            lastApplied.putAll(stored);
            pendingSeek.clear();
            consumer.resume(partitions);
            LOG.info("resuming {} partitions from stored offsets {} (from the start: {})", partitions.size(), stored,
                    fromStart);
        } catch (Exception e) {
            LOG.warn("cannot read stored offsets ({}); partitions stay paused", TransientErrors.describe(e));
            sleep(config.retryBackoff());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // write what was read while the partitions are still ours; fencing guards the rest
            flush();
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            buffer.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            pendingSeek.addAll(partitions);
            consumer.pause(partitions);
            seekPending();
        }

        private void forget(Collection<TopicPartition> partitions) {
            batchWriter.forget(partitions);
            pendingSeek.removeAll(partitions);
            partitions.forEach(lastApplied::remove);
        }
    }
}
