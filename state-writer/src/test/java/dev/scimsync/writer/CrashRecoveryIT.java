package dev.scimsync.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.scimsync.testkit.SharedKafka;
import dev.scimsync.testkit.SharedPostgres;
import dev.scimsync.writer.apply.BatchResult;
import dev.scimsync.writer.db.PostgresDialect;
import dev.scimsync.writer.offsets.OffsetStore;

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

    /** Counts the records of every batch the writer commits. */
    private static StateWriter.Hooks countingRecords(AtomicLong records) {
        return new StateWriter.Hooks() {
            @Override
            public void afterDatabaseCommit(BatchResult result) {
                records.addAndGet(result.records());
            }
        };
    }

    /** What the database holds: the writer resumes from here. */
    private static Map<TopicPartition, Long> storedOffsets(TestDatabase db, String group, Map<TopicPartition, Long> ends)
            throws Exception {
        try (Connection connection = db.dataSource().getConnection()) {
            return new OffsetStore(new PostgresDialect(), group).load(connection,
                    ends.keySet().stream().map(TopicPartition::topic).collect(Collectors.toSet()));
        }
    }

    /** The database an uninterrupted writer leaves after the same topics: what a crashed run must end equal to. */
    private static Map<String, String> uninterruptedChecksums(TestTopics topics, Map<TopicPartition, Long> ends)
            throws Exception {
        try (TestDatabase reference = TestDatabase.create()) {
            WriterConfig config = StateWriterIT.config(topics, reference, topics.topics().prefix() + "reference", 10);
            StateWriterIT.runUntilCaughtUp(writer(config, reference, new SimpleMeterRegistry(), StateWriter.Hooks.NONE), ends);
            return reference.checksums();
        }
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void shouldEndIdentical_WhenStoppedBetweenDatabaseCommitAndKafkaCommit() throws Exception {
        TestTopics topics = TestTopics.create("crashaftercommit");
        TopicLog log = Scenario.directoryLife(new TopicLog(topics.topics(), TestTopics.PARTITIONS), 3, 20);
        Map<TopicPartition, Long> ends = topics.produce(log.producerRecords());

        Map<String, String> uninterrupted = uninterruptedChecksums(topics, ends);

        try (TestDatabase db = TestDatabase.create()) {
            WriterConfig config = StateWriterIT.config(topics, db, topics.topics().prefix() + "crashing", 10);
            AtomicInteger commits = new AtomicInteger();
            StateWriter crashing = writer(config, db, new SimpleMeterRegistry(), new StateWriter.Hooks() {
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

            // the third batch is in the database only: Kafka's committed offsets are behind the stored ones
            Map<TopicPartition, Long> stored = storedOffsets(db, config.groupId(), ends);
            Map<TopicPartition, Long> kafka = TestTopics.committed(config.groupId());
            assertThat(sum(kafka)).as("Kafka's hint lags the database, so resuming from it would re-read records")
                    .isLessThan(sum(stored));

            AtomicLong consumedAfterRestart = new AtomicLong();
            StateWriterIT.runUntilCaughtUp(writer(config, db, new SimpleMeterRegistry(),
                    countingRecords(consumedAfterRestart)), ends);

            assertThat(db.checksums()).isEqualTo(uninterrupted);
            // resumed exactly at the stored offsets: nothing re-read from Kafka's older ones, nothing skipped
            // (re-read records would leave the rows as they are, so only counting them tells)
            long remaining = 0;
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                remaining += end.getValue() - stored.getOrDefault(end.getKey(), 0L);
            }
            assertThat(consumedAfterRestart.get()).isEqualTo(remaining);
        }
    }

    @Test
    void shouldEndIdentical_WhenKilledMidBatch() throws Exception {
        TestTopics topics = TestTopics.create("crashmidbatch");
        TopicLog log = Scenario.directoryLife(new TopicLog(topics.topics(), TestTopics.PARTITIONS), 3, 20);
        Map<TopicPartition, Long> ends = topics.produce(log.producerRecords());

        Map<String, String> uninterrupted = uninterruptedChecksums(topics, ends);

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
