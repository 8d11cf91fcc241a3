package dev.scimsync.writer;

import static dev.scimsync.writer.Fixtures.aGroup;
import static dev.scimsync.writer.Fixtures.aMember;
import static dev.scimsync.writer.Fixtures.aMembership;
import static dev.scimsync.writer.Fixtures.aStatus;
import static dev.scimsync.writer.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.testkit.SharedPostgres;
import dev.scimsync.writer.apply.BatchResult;
import dev.scimsync.writer.apply.BatchWriter;
import dev.scimsync.writer.apply.RecordDecoder;
import dev.scimsync.writer.db.PostgresDialect;
import dev.scimsync.writer.db.Retry;
import dev.scimsync.writer.dlq.DeadLetter;
import dev.scimsync.writer.offsets.FencedException;
import dev.scimsync.writer.offsets.OffsetStore;
import dev.scimsync.writer.query.OrganizationQueries;
import dev.scimsync.writer.query.OrganizationStatus;

@ExtendWith(SharedPostgres.class)
class BatchWriterIT {

    private static final String ORG = "org_01";
    private final Topics topics = new Topics("bw.");
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TestDatabase db;
    private BatchWriter writer;
    private TopicLog log;
    private int written;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        writer = newWriter("writer");
        log = new TopicLog(topics, 3);
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    private BatchWriter newWriter(String group) {
        return new BatchWriter(db.dataSource(), new RecordDecoder(topics), new OffsetStore(new PostgresDialect(), group),
                new Retry(3, Duration.ofMillis(10), Duration.ofMillis(50), dev.scimsync.writer.db.TransientErrors::isRetryable),
                deadLetters::addAll, new dev.scimsync.writer.metrics.WriterMetrics(registry, Clock.systemUTC()));
    }

    /** Writes what was added to the log since the last call, as one batch. */
    private BatchResult writeNew() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> all = log.consumerRecords();
        BatchResult result = writer.write(all.subList(written, all.size()));
        written = all.size();
        return result;
    }

    private Object member(String column, String directoryUserId) throws Exception {
        return db.scalar("SELECT " + column + " FROM members WHERE organization_id = '" + ORG
                + "' AND directory_user_id = '" + directoryUserId + "'");
    }

    @Test
    void shouldInsertMember_WhenFirstSeen() throws Exception {
        log.member(aMember(ORG, "u1").withEmail("jane@example.com").at(3).build());
        BatchResult result = writeNew();

        assertThat(result.applied()).isEqualTo(1);
        assertThat(member("email", "u1")).isEqualTo("jane@example.com");
        assertThat(member("source", "u1")).isEqualTo("directory");
        assertThat(member("roles::text", "u1")).isEqualTo("[{\"slug\": \"member\"}]");
        assertThat(((Timestamp) member("created_at", "u1")).toInstant()).isEqualTo(t(3));
        assertThat(member("removed_at", "u1")).isNull();
        assertThat(((Timestamp) db.scalar("SELECT created_at FROM organizations WHERE id = '" + ORG + "'")).toInstant())
                .isEqualTo(t(3));
        assertThat(db.scalar("SELECT members FROM sync_status WHERE organization_id = '" + ORG + "'")).isEqualTo(1L);
    }

    @Test
    void shouldUpdateMember_WhenNewerVersionArrives() throws Exception {
        log.member(aMember(ORG, "u1").withFirstName("Jane").at(3).build());
        writeNew();
        log.member(aMember(ORG, "u1").withFirstName("Janet").withState("inactive").at(4).build());
        BatchResult result = writeNew();

        assertThat(result.applied()).isEqualTo(1);
        assertThat(member("first_name", "u1")).isEqualTo("Janet");
        assertThat(member("state", "u1")).isEqualTo("inactive");
        assertThat(((Timestamp) member("created_at", "u1")).toInstant()).isEqualTo(t(3));
        assertThat(((Timestamp) member("updated_at", "u1")).toInstant()).isEqualTo(t(4));
    }

    @Test
    void shouldIgnoreStaleUpdate_WhenOlderVersionArrives() throws Exception {
        log.member(aMember(ORG, "u1").withFirstName("Janet").at(5).build());
        writeNew();
        var before = db.tupleIdentities();
        log.member(aMember(ORG, "u1").withFirstName("Jane").at(4).build());
        log.member(aMember(ORG, "u1").withFirstName("Jane").at(5).build()); // same version: not newer either
        BatchResult result = writeNew();

        assertThat(result.applied()).isZero();
        assertThat(result.unchanged()).isEqualTo(2);
        assertThat(member("first_name", "u1")).isEqualTo("Janet");
        assertThat(db.tupleIdentities().get("members")).isEqualTo(before.get("members"));
    }

    @Test
    void shouldSoftDeleteMember_AndRestoreIt_WhenItComesBack() throws Exception {
        log.member(aMember(ORG, "u1").at(3).build());
        writeNew();
        log.member(aMember(ORG, "u1").at(6).removed().build());
        writeNew();
        assertThat(((Timestamp) member("removed_at", "u1")).toInstant()).isEqualTo(t(6));
        assertThat(member("email", "u1")).isEqualTo("u1@example.com");
        assertThat(db.scalar("SELECT members FROM sync_status WHERE organization_id = '" + ORG + "'")).isEqualTo(0L);

        log.member(aMember(ORG, "u1").at(5).build()); // older than the removal: stays removed
        writeNew();
        assertThat(member("removed_at", "u1")).isNotNull();

        log.member(aMember(ORG, "u1").withFirstName("Back").at(9).build());
        writeNew();
        assertThat(member("removed_at", "u1")).isNull();
        assertThat(member("first_name", "u1")).isEqualTo("Back");
        assertThat(db.scalar("SELECT count(*) FROM members")).isEqualTo(1L);
        assertThat(db.scalar("SELECT members FROM sync_status WHERE organization_id = '" + ORG + "'")).isEqualTo(1L);
    }

    @Test
    void shouldKeepRemovalVersion_WhenRemovalArrivesBeforeAnyUpdate() throws Exception {
        log.member(aMember(ORG, "u1").at(6).removed().build());
        log.member(aMember(ORG, "u1").at(4).build());
        writeNew();

        assertThat(member("removed_at", "u1")).isNotNull();
        assertThat(member("version_event_id", "u1")).isEqualTo(Fixtures.eventId(6));
    }

    @Test
    void shouldSoftDeleteAndRestoreGroups() throws Exception {
        log.group(aGroup(ORG, "g1").named("Eng").at(2).build());
        log.group(aGroup(ORG, "g1").named("Engineering").at(3).build());
        log.group(aGroup(ORG, "g1").named("Old").at(1).build());
        writeNew();
        assertThat(db.scalar("SELECT name FROM groups WHERE directory_group_id = 'g1'")).isEqualTo("Engineering");

        log.group(aGroup(ORG, "g1").at(7).removed().build());
        writeNew();
        assertThat(db.scalar("SELECT removed_at FROM groups WHERE directory_group_id = 'g1'")).isNotNull();
        assertThat(db.scalar("SELECT groups FROM sync_status")).isEqualTo(0L);

        log.group(aGroup(ORG, "g1").named("Engineering 2").at(8).build());
        writeNew();
        assertThat(db.scalar("SELECT removed_at FROM groups WHERE directory_group_id = 'g1'")).isNull();
        assertThat(db.scalar("SELECT name FROM groups WHERE directory_group_id = 'g1'")).isEqualTo("Engineering 2");
    }

    @Test
    void shouldKeepMembershipRows_ExactlyWhileMembershipExists() throws Exception {
        log.membership(aMembership(ORG, "g1", "u1").at(2).build());
        log.membership(aMembership(ORG, "g1", "u2").at(2).build());
        writeNew();
        assertThat(db.scalar("SELECT count(*) FROM group_memberships")).isEqualTo(2L);

        log.membership(aMembership(ORG, "g1", "u1").at(4).removed().build());
        writeNew();
        assertThat(db.scalar("SELECT string_agg(directory_user_id, ',') FROM group_memberships")).isEqualTo("u2");
        assertThat(db.scalar("SELECT memberships FROM sync_status")).isEqualTo(1L);

        log.membership(aMembership(ORG, "g1", "u1").at(3).build()); // late add, older than the removal
        writeNew();
        assertThat(db.scalar("SELECT count(*) FROM group_memberships WHERE directory_user_id = 'u1'")).isEqualTo(0L);

        log.membership(aMembership(ORG, "g1", "u1").at(5).build()); // re-added
        writeNew();
        assertThat(db.scalar("SELECT count(*) FROM group_memberships WHERE directory_user_id = 'u1'")).isEqualTo(1L);
        assertThat(db.scalar("SELECT count(*) FROM group_membership_removals")).isEqualTo(0L);
        assertThat(db.scalar("SELECT memberships FROM sync_status")).isEqualTo(2L);
    }

    @Test
    void shouldNeverRemovePrimaryOwner() throws Exception {
        log.member(aMember(ORG, "owner").withEmail("boss@example.com").at(2).build());
        writeNew();
        db.execute("UPDATE organizations SET primary_owner_member_id = (SELECT id FROM members WHERE directory_user_id = 'owner')");

        log.member(aMember(ORG, "owner").at(5).removed().build());
        BatchResult result = writeNew();

        assertThat(result.ownerProtected()).isEqualTo(1);
        assertThat(member("removed_at", "owner")).isNull();
    }

    @Test
    void shouldDeadLetterOnlyTheBadRecord_AndWriteTheRest() throws Exception {
        log.member(aMember(ORG, "u1").at(2).build());
        log.member(aMember(ORG, "u2").withEmail("nul\u0000@example.com").at(2).build()); // PostgreSQL rejects NUL
        log.raw(topics.groups().name(), ORG + "/g9", "{not json".getBytes());
        log.member(aMember(ORG, "u3").at(2).build());
        BatchResult result = writeNew();

        assertThat(result.recordByRecord()).isTrue();
        assertThat(result.applied()).isEqualTo(2);
        assertThat(result.deadLettered()).isEqualTo(2);
        assertThat(deadLetters).extracting(DeadLetter::reason)
                .anySatisfy(r -> assertThat(r).startsWith("database rejected the change"))
                .anySatisfy(r -> assertThat(r).startsWith("unparsable value"));
        assertThat(db.scalar("SELECT string_agg(directory_user_id, ',' ORDER BY directory_user_id) FROM members"))
                .isEqualTo("u1,u3");
        assertThat(registry.counter(MetricNames.DEAD_LETTERS, MetricNames.TAG_STAGE, "state-writer").count()).isEqualTo(2.0);
    }

    @Test
    void shouldStoreOffsets_InTheSameTransaction() throws Exception {
        log.member(aMember(ORG, "u1").at(2).build());
        log.member(aMember(ORG, "u2").at(2).build());
        BatchResult result = writeNew();

        TopicPartition tp = result.nextOffsets().keySet().iterator().next();
        assertThat(result.nextOffsets()).containsEntry(tp, 2L);
        assertThat(newWriter("writer").loadOffsets(List.of(tp))).containsEntry(tp, 2L);
        assertThat(newWriter("other-group").loadOffsets(List.of(tp))).isEmpty();
    }

    @Test
    void shouldBeFenced_WhenAnotherWriterMovedTheOffset() throws Exception {
        log.member(aMember(ORG, "u1").at(2).build());
        writeNew();
        BatchWriter other = newWriter("writer"); // took the partition over
        TopicPartition tp = log.consumerRecords().get(0).topic() == null ? null
                : new TopicPartition(log.consumerRecords().get(0).topic(), log.consumerRecords().get(0).partition());
        other.loadOffsets(List.of(tp));
        log.member(aMember(ORG, "u2").at(2).build());
        List<ConsumerRecord<byte[], byte[]>> all = log.consumerRecords();
        other.write(all.subList(1, 2));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.write(all.subList(1, 2)))
                .isInstanceOf(FencedException.class);
    }

    @Test
    void shouldMaintainStatusAndResyncRuns_FromTheStatusTopic() throws Exception {
        log.member(aMember(ORG, "u1").at(2).build());
        log.status(aStatus(ORG, 2, 1, 0, 0, "resync_1", "running"));
        writeNew();
        log.status(aStatus(ORG, 3, 1, 0, 0, "resync_1", "completed"));
        writeNew();
        log.status(aStatus(ORG, 2, 1, 0, 0, "resync_1", "running")); // stale status: ignored
        writeNew();

        OrganizationStatus status = new OrganizationQueries(db.dataSource()).status(ORG).orElseThrow();
        assertThat(status.lastEventId()).isEqualTo(Fixtures.eventId(3));
        assertThat(status.members()).isEqualTo(1);
        assertThat(status.processorMembers()).isEqualTo(1L);
        assertThat(status.lastResyncState()).isEqualTo("completed");
        assertThat(db.scalar("SELECT state FROM sync_runs WHERE id = 'resync_1'")).isEqualTo("completed");
        assertThat(db.scalar("SELECT finished_at IS NOT NULL FROM sync_runs WHERE id = 'resync_1'")).isEqualTo(true);
        assertThat(new OrganizationQueries(db.dataSource()).list()).singleElement()
                .satisfies(o -> assertThat(o.id()).isEqualTo(ORG));
    }

    @Test
    void shouldRecordMetrics_ForAppliedChanges() throws Exception {
        log.member(aMember(ORG, "u1").at(2).build());
        log.member(aMember(ORG, "u1").at(3).removed().build());
        log.membership(aMembership(ORG, "g1", "u1").at(2).build());
        writeNew();

        assertThat(registry.counter(MetricNames.ROWS_WRITTEN, MetricNames.TAG_TABLE, "members",
                MetricNames.TAG_OPERATION, "upsert").count()).isEqualTo(1.0);
        assertThat(registry.counter(MetricNames.ROWS_WRITTEN, MetricNames.TAG_TABLE, "members",
                MetricNames.TAG_OPERATION, "remove").count()).isEqualTo(1.0);
        assertThat(registry.get(MetricNames.SYNC_LAG).timer().count()).isEqualTo(3);
        assertThat(registry.get(MetricNames.BATCH_SIZE).summary().count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.COMMIT_LATENCY).timer().count()).isEqualTo(1);
    }

    @Test
    void shouldEndIdentical_WhateverTheBatchSize() throws Exception {
        for (int i = 0; i < 30; i++) {
            String org = "org_" + (i % 4);
            log.member(aMember(org, "u" + i).at(10 + i).build());
            log.group(aGroup(org, "g" + (i % 5)).at(10 + i).build());
            log.membership(aMembership(org, "g" + (i % 5), "u" + i).at(10 + i).build());
            if (i % 3 == 0) {
                log.member(aMember(org, "u" + i).at(60 + i).removed().build());
                log.membership(aMembership(org, "g" + (i % 5), "u" + i).at(60 + i).removed().build());
            }
            log.status(aStatus(org, 10 + i, i, i, i, null, null));
        }
        List<ConsumerRecord<byte[], byte[]>> all = log.consumerRecords();
        writer.write(all);
        var oneBatch = db.checksums();

        try (TestDatabase other = TestDatabase.create()) {
            BatchWriter small = new BatchWriter(other.dataSource(), new RecordDecoder(topics),
                    new OffsetStore(new PostgresDialect(), "writer"), Retry.forDatabase(3, Duration.ofMillis(10),
                    Duration.ofMillis(10)), deadLetters::addAll,
                    new dev.scimsync.writer.metrics.WriterMetrics(registry, Clock.systemUTC()));
            for (int from = 0; from < all.size(); from += 7) {
                small.write(all.subList(from, Math.min(all.size(), from + 7)));
            }
            assertThat(other.checksums()).isEqualTo(oneBatch);
        }
    }

    @Test
    void shouldEndIdentical_ToOneRecordPerBatch_WhenABatchChangesTheSameKeysSeveralTimes() throws Exception {
        // state before the batch
        log.member(aMember(ORG, "u2").at(1).build());
        log.member(aMember(ORG, "u3").at(1).build());
        log.group(aGroup(ORG, "g2").at(1).build());
        log.membership(aMembership(ORG, "g1", "u2").at(1).build());
        log.membership(aMembership(ORG, "g1", "u3").at(1).removed().build());
        int before = log.consumerRecords().size();
        // the batch
        log.member(aMember(ORG, "u1").withFirstName("First").at(3).build());      // created_at stays 3
        log.member(aMember(ORG, "u1").withFirstName("Second").at(5).build());
        log.member(aMember(ORG, "u1").at(6).removed().build());                   // removed_at 6 ...
        log.member(aMember(ORG, "u1").at(8).removed().build());                   // ... not 8
        log.member(aMember(ORG, "u1").withFirstName("Stale").at(7).build());
        log.member(aMember(ORG, "u1").withFirstName("Back").at(9).build());       // restored
        log.member(aMember(ORG, "u1").at(9).removed().build());                   // same version: stale
        log.member(aMember(ORG, "u2").at(4).removed().build());
        log.member(aMember(ORG, "u2").at(5).removed().build());                   // removed_at stays 4
        log.member(aMember(ORG, "u3").at(2).removed().build());
        log.member(aMember(ORG, "u3").withFirstName("Again").at(3).build());
        log.member(aMember(ORG, "u4").at(6).removed().build());                   // never seen: stored removed
        log.member(aMember(ORG, "u4").at(5).build());
        log.group(aGroup(ORG, "g1").named("A").at(2).build());
        log.group(aGroup(ORG, "g1").at(3).removed().build());
        log.group(aGroup(ORG, "g1").named("B").at(4).build());
        log.group(aGroup(ORG, "g2").at(2).removed().build());
        log.group(aGroup(ORG, "g2").at(3).removed().build());
        log.membership(aMembership(ORG, "g1", "u1").at(2).build());               // add, remove, add
        log.membership(aMembership(ORG, "g1", "u1").at(3).removed().build());
        log.membership(aMembership(ORG, "g1", "u1").at(4).build());
        log.membership(aMembership(ORG, "g1", "u2").at(2).removed().build());     // remove, add, remove
        log.membership(aMembership(ORG, "g1", "u2").at(3).build());
        log.membership(aMembership(ORG, "g1", "u2").at(4).removed().build());
        log.membership(aMembership(ORG, "g1", "u3").at(3).build());               // re-added after a stored removal
        log.membership(aMembership(ORG, "g1", "u3").at(2).removed().build());     // late, older removal
        log.membership(aMembership(ORG, "g1", "u4").at(5).removed().build());     // removal first, then older add
        log.membership(aMembership(ORG, "g1", "u4").at(4).build());
        List<ConsumerRecord<byte[], byte[]>> all = log.consumerRecords();

        writer.write(all.subList(0, before));
        BatchResult batch = writer.write(all.subList(before, all.size()));
        var oneBatch = db.checksums();

        assertThat(batch.recordByRecord()).isFalse();
        assertThat(member("first_name", "u1")).isEqualTo("Back");
        assertThat(((Timestamp) member("created_at", "u1")).toInstant()).isEqualTo(t(3));
        assertThat(member("removed_at", "u1")).isNull();
        assertThat(((Timestamp) member("removed_at", "u2")).toInstant()).isEqualTo(t(4));
        assertThat(((Timestamp) member("removed_at", "u4")).toInstant()).isEqualTo(t(6));
        assertThat(db.scalar("SELECT string_agg(directory_user_id, ',' ORDER BY directory_user_id) FROM group_memberships"))
                .isEqualTo("u1,u3");
        assertThat(db.scalar("SELECT string_agg(directory_user_id, ',' ORDER BY directory_user_id) "
                + "FROM group_membership_removals")).isEqualTo("u2,u4");

        try (TestDatabase other = TestDatabase.create()) {
            BatchWriter single = new BatchWriter(other.dataSource(), new RecordDecoder(topics),
                    new OffsetStore(new PostgresDialect(), "writer"), Retry.forDatabase(3, Duration.ofMillis(10),
                    Duration.ofMillis(10)), deadLetters::addAll,
                    new dev.scimsync.writer.metrics.WriterMetrics(new SimpleMeterRegistry(), Clock.systemUTC()));
            single.write(all.subList(0, before));
            int applied = 0;
            int unchanged = 0;
            for (int i = before; i < all.size(); i++) {
                BatchResult one = single.write(all.subList(i, i + 1));
                applied += one.applied();
                unchanged += one.unchanged();
            }
            assertThat(other.checksums()).isEqualTo(oneBatch);
            assertThat(batch.applied()).isEqualTo(applied);
            assertThat(batch.unchanged()).isEqualTo(unchanged);
        }
    }
}
