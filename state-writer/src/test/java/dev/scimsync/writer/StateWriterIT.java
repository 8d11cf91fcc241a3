package dev.scimsync.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.scimsync.core.topic.DeadLetterHeaders;
import dev.scimsync.testkit.SharedKafka;
import dev.scimsync.testkit.SharedPostgres;
import dev.scimsync.writer.apply.BatchFailedException;
import dev.scimsync.writer.db.PostgresDialect;
import dev.scimsync.writer.offsets.OffsetStore;

@ExtendWith({SharedPostgres.class, SharedKafka.class})
class StateWriterIT {

    private TestDatabase db;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    static WriterConfig config(TestTopics topics, TestDatabase db, String group, int batchSize) {
        return new WriterConfig(SharedKafka.bootstrapServers(), topics.topics(), group, batchSize, Duration.ofMillis(50),
                db.jdbcUrl(), SharedPostgres.user(), SharedPostgres.password(), 2, 3, Duration.ofMillis(50),
                Duration.ofMillis(200), true);
    }

    /** Runs a writer until it stored offsets up to {@code ends}, then closes it. */
    static void runUntilCaughtUp(StateWriter writer, Map<TopicPartition, Long> ends) {
        writer.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> writer.lastAppliedOffsets().entrySet().containsAll(ends.entrySet()));
        } finally {
            writer.close();
        }
        assertThat(writer.failure()).isEmpty();
    }

    @Test
    void shouldMaterializeTheTopics_AndChangeNothing_WhenTheSameTopicsAreReplayedTwice() throws Exception {
        TestTopics topics = TestTopics.create("replay");
        TopicLog log = Scenario.directoryLife(new TopicLog(topics.topics(), TestTopics.PARTITIONS), 4, 25);
        Map<TopicPartition, Long> ends = topics.produce(log.producerRecords());
        WriterConfig config = config(topics, db, topics.topics().prefix() + "writer", 40);

        runUntilCaughtUp(new StateWriter(config, db.dataSource(), new SimpleMeterRegistry()), ends);
        Map<String, String> first = db.checksums();
        Map<String, String> tuples = db.tupleIdentities();
        assertThat(db.scalar("SELECT count(*) FROM members WHERE removed_at IS NULL")).isEqualTo(4L * (25 - 5 + 3));
        assertThat(db.scalar("SELECT count(*) FROM organizations")).isEqualTo(4L);

        for (int replay = 0; replay < 2; replay++) {
            new OffsetStore(new PostgresDialect(), config.groupId()).reset(db.dataSource());
            runUntilCaughtUp(new StateWriter(config, db.dataSource(), new SimpleMeterRegistry()), ends);
            assertThat(db.checksums()).isEqualTo(first);
            Map<String, String> now = db.tupleIdentities();
            now.remove("writer_offsets"); // deleted and re-stored by the reset, on purpose
            tuples.remove("writer_offsets");
            assertThat(now).as("no row rewritten by the replay").isEqualTo(tuples);
        }
    }

    @Test
    void shouldSendUnparsableRecords_ToTheDlq_AndGoOn() throws Exception {
        TestTopics topics = TestTopics.create("dlq");
        TopicLog log = new TopicLog(topics.topics(), TestTopics.PARTITIONS)
                .raw(topics.topics().members().name(), "org_1/u_bad", "{\"organization_id\":".getBytes(StandardCharsets.UTF_8))
                .member(Fixtures.aMember("org_1", "u_ok").at(3).build());
        Map<TopicPartition, Long> ends = topics.produce(log.producerRecords());

        runUntilCaughtUp(new StateWriter(config(topics, db, topics.topics().prefix() + "w", 10), db.dataSource(),
                new SimpleMeterRegistry()), ends);

        assertThat(db.scalar("SELECT directory_user_id FROM members")).isEqualTo("u_ok");
        var dead = topics.deadLetters(1);
        assertThat(dead).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("org_1/u_bad");
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.STAGE)).isEqualTo("state-writer");
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON)).startsWith("unparsable value");
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE))
                    .matches(topics.topics().members().name() + "-\\d@0");
        });
    }

    @Test
    void shouldStopWithAClearError_RatherThanSkipTheStream_WhenTheDatabaseRejectsWritesForAnotherReason() throws Exception {
        TestTopics topics = TestTopics.create("stop");
        // stands for a revoked grant: every statement on members fails alike
        db.execute("CREATE FUNCTION reject_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "RAISE EXCEPTION 'permission denied (simulated)' USING ERRCODE = '42501'; END $$");
        db.execute("CREATE TRIGGER reject_writes BEFORE INSERT OR UPDATE ON members FOR EACH ROW EXECUTE FUNCTION reject_writes()");
        TopicLog log = new TopicLog(topics.topics(), TestTopics.PARTITIONS)
                .member(Fixtures.aMember("org_1", "u1").at(3).build())
                .member(Fixtures.aMember("org_1", "u2").at(3).build());
        topics.produce(log.producerRecords());

        StateWriter writer = new StateWriter(config(topics, db, topics.topics().prefix() + "w", 10), db.dataSource(),
                new SimpleMeterRegistry());
        writer.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !writer.isRunning());
        } finally {
            writer.close();
        }

        assertThat(writer.failure()).get().isInstanceOf(BatchFailedException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("42501").contains("nothing is skipped"));
        assertThat(db.scalar("SELECT count(*) FROM writer_offsets")).isEqualTo(0L);
        assertThat(db.scalar("SELECT count(*) FROM members")).isEqualTo(0L);
    }

    @Test
    void shouldResumeFromDatabaseOffsets_NotFromKafkas() throws Exception {
        TestTopics topics = TestTopics.create("resume");
        TopicLog log = Scenario.directoryLife(new TopicLog(topics.topics(), TestTopics.PARTITIONS), 2, 10);
        Map<TopicPartition, Long> ends = topics.produce(log.producerRecords());
        WriterConfig config = config(topics, db, topics.topics().prefix() + "w", 15);
        runUntilCaughtUp(new StateWriter(config, db.dataSource(), new SimpleMeterRegistry()), ends);
        Map<String, String> expected = db.checksums();

        // the database lost its rows and offsets (restored from an empty backup); Kafka still has its hint
        db.execute("TRUNCATE member_access, member_access_changes, group_mappings, access_roles, access_settings, "
                + "members, groups, group_memberships, group_membership_removals, sync_status, sync_runs, "
                + "writer_offsets, organizations");
        assertThat(TestTopics.committed(config.groupId())).isNotEmpty();
        runUntilCaughtUp(new StateWriter(config, db.dataSource(), new SimpleMeterRegistry()), ends);

        Map<String, String> rebuilt = db.checksums();
        assertThat(rebuilt).isEqualTo(expected);
    }
}
