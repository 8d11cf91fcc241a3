package dev.scimsync.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.testkit.SharedKafka;
import dev.scimsync.testkit.SharedPostgres;
import dev.scimsync.writer.apply.BatchResult;

/**
 * A writer that dies at the worst moments, restarted, ends with the same database as one that never died.
 */
@ExtendWith({SharedPostgres.class, SharedKafka.class})
class CrashRecoveryIT {

    /** Stands for the process dying: nothing after the throw point runs. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String where) {
            super("simulated crash " + where);
        }
    }

    private static StateWriter writer(WriterConfig config, TestDatabase db, SimpleMeterRegistry registry,
                                      StateWriter.Hooks hooks) {
        return new StateWriter(config, db.dataSource(), registry,
                new KafkaConsumer<>(StateWriter.consumerProperties(config)),
                new KafkaProducer<>(StateWriter.producerProperties(config)), hooks);
    }

    private static double rowsWritten(SimpleMeterRegistry registry) {
        return registry.find(MetricNames.ROWS_WRITTEN).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void shouldEndIdentical_WhenStoppedBetweenDatabaseCommitAndKafkaCommit() throws Exception {
        TestTopics topics = TestTopics.create("crashaftercommit");
        TopicLog log = Scenario.directoryLife(new TopicLog(topics.topics(), TestTopics.PARTITIONS), 3, 20);
        Map<TopicPartition, Long> ends = topics.produce(log.producerRecords());

        SimpleMeterRegistry uninterruptedMetrics = new SimpleMeterRegistry();
        Map<String, String> uninterrupted;
        try (TestDatabase reference = TestDatabase.create()) {
            WriterConfig config = StateWriterIT.config(topics, reference, topics.topics().prefix() + "reference", 10);
            StateWriterIT.runUntilCaughtUp(writer(config, reference, uninterruptedMetrics, StateWriter.Hooks.NONE), ends);
            uninterrupted = reference.checksums();
        }

        try (TestDatabase db = TestDatabase.create()) {
            WriterConfig config = StateWriterIT.config(topics, db, topics.topics().prefix() + "crashing", 10);
            AtomicInteger commits = new AtomicInteger();
            SimpleMeterRegistry beforeCrash = new SimpleMeterRegistry();
            StateWriter crashing = writer(config, db, beforeCrash, new StateWriter.Hooks() {
                @Override
                public void afterDatabaseCommit(BatchResult result) {
                    if (commits.incrementAndGet() == 3) {
                        throw new SimulatedCrash("after the database commit of batch 3");
                    }
                }
            });
            crashing.start();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !crashing.isRunning() && crashing.failure().isPresent());
            crashing.close();
            assertThat(crashing.failure()).containsInstanceOf(SimulatedCrash.class);

            // the database is ahead of Kafka's committed offsets: the third batch is in the database only
            Map<TopicPartition, Long> stored = crashing.lastAppliedOffsets();
            Map<TopicPartition, Long> kafka = TestTopics.committed(config.groupId());
            assertThat(stored).isNotEqualTo(kafka);

            SimpleMeterRegistry afterRestart = new SimpleMeterRegistry();
            StateWriterIT.runUntilCaughtUp(writer(config, db, afterRestart, StateWriter.Hooks.NONE), ends);

            assertThat(db.checksums()).isEqualTo(uninterrupted);
            // every change applied exactly once across the crash: nothing re-applied from Kafka's stale offsets
            assertThat(rowsWritten(beforeCrash) + rowsWritten(afterRestart)).isEqualTo(rowsWritten(uninterruptedMetrics));
        }
    }

    @Test
    void shouldEndIdentical_WhenKilledMidBatch() throws Exception {
        TestTopics topics = TestTopics.create("crashmidbatch");
        TopicLog log = Scenario.directoryLife(new TopicLog(topics.topics(), TestTopics.PARTITIONS), 3, 20);
        Map<TopicPartition, Long> ends = topics.produce(log.producerRecords());

        Map<String, String> uninterrupted;
        try (TestDatabase reference = TestDatabase.create()) {
            WriterConfig config = StateWriterIT.config(topics, reference, topics.topics().prefix() + "reference", 10);
            StateWriterIT.runUntilCaughtUp(writer(config, reference, new SimpleMeterRegistry(), StateWriter.Hooks.NONE), ends);
            uninterrupted = reference.checksums();
        }

        try (TestDatabase db = TestDatabase.create()) {
            WriterConfig config = StateWriterIT.config(topics, db, topics.topics().prefix() + "killed", 10);
            AtomicInteger transactions = new AtomicInteger();
            StateWriter killed = writer(config, db, new SimpleMeterRegistry(), new StateWriter.Hooks() {
                @Override
                public void beforeDatabaseCommit() {
                    if (transactions.incrementAndGet() == 4) {
                        throw new SimulatedCrash("inside the transaction of batch 4");
                    }
                }
            });
            killed.start();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !killed.isRunning() && killed.failure().isPresent());
            killed.close();
            assertThat(killed.batchesWritten()).isEqualTo(3);

            StateWriterIT.runUntilCaughtUp(writer(config, db, new SimpleMeterRegistry(), StateWriter.Hooks.NONE), ends);
            assertThat(db.checksums()).isEqualTo(uninterrupted);
        }
    }
}
