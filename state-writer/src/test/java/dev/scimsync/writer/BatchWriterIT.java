package dev.scimsync.writer;

import static dev.scimsync.writer.Fixtures.aGroup;
import static dev.scimsync.writer.Fixtures.aMember;
import static dev.scimsync.writer.Fixtures.aMembership;
import static dev.scimsync.writer.Fixtures.aStatus;
import static dev.scimsync.writer.Fixtures.counting;
import static dev.scimsync.writer.Fixtures.t;
import static dev.scimsync.writer.Fixtures.withAppliedEvents;
import static dev.scimsync.writer.Fixtures.named;
import static dev.scimsync.writer.Fixtures.withOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.core.model.ResyncOutcome;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.testkit.SharedPostgres;
import dev.scimsync.writer.apply.BatchFailedException;
import dev.scimsync.writer.apply.BatchResult;
import dev.scimsync.writer.apply.BatchWriter;
import dev.scimsync.writer.apply.RecordDecoder;
import dev.scimsync.writer.db.PostgresDialect;
import dev.scimsync.writer.db.Retry;
import dev.scimsync.writer.dlq.DeadLetter;
import dev.scimsync.writer.offsets.FencedException;
import dev.scimsync.writer.offsets.OffsetStore;
import dev.scimsync.writer.query.DirectoryRows;
import dev.scimsync.writer.query.OrganizationQueries;
import dev.scimsync.writer.query.OrganizationStatus;

@ExtendWith(SharedPostgres.class)
class BatchWriterIT {

    private static final String ORG = "org_01";
    private final Topics topics = new Topics("bw.");
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final List<Duration> retrySleeps = new ArrayList<>();
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
                new Retry(3, Duration.ofMillis(10), Duration.ofMillis(50), dev.scimsync.writer.db.TransientErrors::isRetryable,
                        retrySleeps::add),
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
        assertThat(deadLetters).filteredOn(l -> l.reason().startsWith("database rejected")).singleElement()
                .satisfies(l -> assertThat(l.eventId()).isEqualTo(Fixtures.eventId(2)));
        assertThat(deadLetters).filteredOn(l -> l.reason().startsWith("unparsable")).singleElement()
                .satisfies(l -> assertThat(l.eventId()).isNull());
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
    void shouldBeFenced_WhenAnotherWriterMovedTheOffset_AndLeaveNothingOfTheFencedBatch() throws Exception {
        log.member(aMember(ORG, "u1").at(2).build());
        writeNew();
        TopicPartition tp = new TopicPartition(log.consumerRecords().get(0).topic(), log.consumerRecords().get(0).partition());
        BatchWriter other = newWriter("writer"); // took the partition over
        other.loadOffsets(List.of(tp));
        log.member(aMember(ORG, "u2").withFirstName("Owner's write").at(3).build());
        other.write(log.consumerRecords().subList(1, 2));
        var afterOwner = db.checksums();

        // the fenced writer read the same offsets with other values: newer, so they would win if written
        TopicLog zombie = new TopicLog(topics, 3);
        zombie.member(aMember(ORG, "u1").at(2).build());
        zombie.member(aMember(ORG, "u2").withFirstName("Zombie's write").at(9).build());
        zombie.member(aMember(ORG, "u3").at(9).build());
        zombie.group(aGroup("org_elsewhere", "g1").at(9).build());
        List<ConsumerRecord<byte[], byte[]>> stale = zombie.consumerRecords();
        assertThat(stale.get(1).offset()).isEqualTo(1);

        assertThatThrownBy(() -> writer.write(stale.subList(1, stale.size()))).isInstanceOf(FencedException.class);

        assertThat(member("first_name", "u2")).isEqualTo("Owner's write");
        assertThat(member("email", "u3")).isNull();
        assertThat(db.checksums()).as("nothing of the fenced batch").isEqualTo(afterOwner);
    }

    @Test
    void shouldListPresentDirectoryRows_WithoutRemovedOnesManualMembersOrOtherOrganizations() throws Exception {
        log.member(aMember(ORG, "u1").withEmail("one@example.com").at(2).build());
        log.member(aMember(ORG, "u2").at(2).build());
        log.member(aMember(ORG, "u2").at(3).removed().build());
        log.member(aMember("org_elsewhere", "u9").at(2).build());
        log.group(aGroup(ORG, "g1").at(2).build());
        log.group(aGroup(ORG, "g2").at(2).build());
        log.group(aGroup(ORG, "g2").at(3).removed().build());
        log.membership(aMembership(ORG, "g1", "u1").at(2).build());
        writeNew();
        db.execute("INSERT INTO members (organization_id, source, email, created_at, updated_at) "
                + "VALUES ('" + ORG + "', 'manual', 'owner@example.com', now(), now())");

        DirectoryRows rows = new OrganizationQueries(db.dataSource()).directoryRows(ORG);

        assertThat(rows.members()).singleElement().satisfies(m -> {
            assertThat(m.directoryUserId()).isEqualTo("u1");
            assertThat(m.email()).isEqualTo("one@example.com");
        });
        assertThat(rows.groups()).extracting(DirectoryRows.GroupRow::directoryGroupId).containsExactly("g1");
        assertThat(rows.memberships()).containsExactly(new DirectoryRows.MembershipRow("g1", "u1"));
    }

    @Test
    void shouldNameTheOrganization_FromTheStatusTopic() throws Exception {
        log.status(named(aStatus(ORG, 2, 0, 0, 0, null, null), "Acme"));
        writeNew();
        assertThat(db.scalar("SELECT name FROM organizations WHERE id = '" + ORG + "'")).isEqualTo("Acme");

        log.status(aStatus(ORG, 3, 0, 0, 0, null, null));
        writeNew();
        assertThat(db.scalar("SELECT name FROM organizations WHERE id = '" + ORG + "'")).as("a status without a name")
                .isEqualTo("Acme");

        log.status(named(aStatus(ORG, 4, 0, 0, 0, null, null), "Acme Corporation"));
        writeNew();
        assertThat(new OrganizationQueries(db.dataSource()).list()).singleElement()
                .satisfies(o -> assertThat(o.name()).isEqualTo("Acme Corporation"));
    }

    @Test
    void shouldMaintainStatusAndResyncRuns_FromTheStatusTopic() throws Exception {
        log.member(aMember(ORG, "u1").at(2).build());
        log.status(aStatus(ORG, 2, 1, 0, 0, "resync_1", "running"));
        writeNew();
        log.status(withOutcome(aStatus(ORG, 3, 1, 0, 0, "resync_1", "completed"),
                new ResyncOutcome("members", false, 2, 0, 3, 3, "removed 2 members")));
        writeNew();
        log.status(aStatus(ORG, 2, 1, 0, 0, "resync_1", "running")); // stale status (fewer applied events): ignored
        writeNew();

        OrganizationStatus status = new OrganizationQueries(db.dataSource()).status(ORG).orElseThrow();
        assertThat(status.lastEventId()).isEqualTo(Fixtures.eventId(3));
        assertThat(status.members()).isEqualTo(1);
        assertThat(status.processorMembers()).isEqualTo(1L);
        assertThat(status.lastResyncState()).isEqualTo("completed");
        assertThat(db.scalar("SELECT state FROM sync_runs WHERE id = 'resync_1'")).isEqualTo("completed");
        assertThat(db.scalar("SELECT finished_at IS NOT NULL FROM sync_runs WHERE id = 'resync_1'")).isEqualTo(true);
        assertThat(db.scalar("SELECT scope || ' ' || dry_run || ' ' || removed || ' ' || note FROM sync_runs "
                + "WHERE id = 'resync_1'")).isEqualTo("members false 2 removed 2 members");
        assertThat(new OrganizationQueries(db.dataSource()).list()).singleElement()
                .satisfies(o -> assertThat(o.id()).isEqualTo(ORG));
    }

    @Test
    void shouldOrderStatuses_ByTheProcessorsAppliedEvents_NotByEventTimeOrId() throws Exception {
        log.status(withAppliedEvents(aStatus(ORG, 50, 1, 0, 0, null, null), 1));
        writeNew();
        // a resync item carries the time it was read and events need not be monotonic: an older event time
        // and a smaller id, but the processor applied it later
        log.status(withAppliedEvents(aStatus(ORG, 40, 2, 0, 0, "resync_1", "running"), 2));
        writeNew();
        OrganizationStatus status = new OrganizationQueries(db.dataSource()).status(ORG).orElseThrow();
        assertThat(status.lastEventId()).isEqualTo(Fixtures.eventId(40));
        assertThat(status.processorMembers()).isEqualTo(2L);
        assertThat(status.lastResyncState()).isEqualTo("running");
        assertThat(db.scalar("SELECT processor_applied_events FROM sync_status")).isEqualTo(2L);

        var before = db.tupleIdentities();
        log.status(withAppliedEvents(aStatus(ORG, 90, 9, 0, 0, null, null), 1)); // newer event time, applied earlier
        log.status(withAppliedEvents(aStatus(ORG, 95, 8, 0, 0, null, null), 2)); // same count: not newer either
        BatchResult result = writeNew();

        assertThat(result.applied()).isZero();
        assertThat(db.tupleIdentities().get("sync_status")).as("no status row rewritten").isEqualTo(before.get("sync_status"));
        status = new OrganizationQueries(db.dataSource()).status(ORG).orElseThrow();
        assertThat(status.lastEventId()).isEqualTo(Fixtures.eventId(40));
        assertThat(status.processorMembers()).isEqualTo(2L);

        log.status(withAppliedEvents(aStatus(ORG, 30, 3, 0, 0, "resync_1", "completed"), 3));
        writeNew();
        status = new OrganizationQueries(db.dataSource()).status(ORG).orElseThrow();
        assertThat(status.lastEventId()).isEqualTo(Fixtures.eventId(30));
        assertThat(status.lastResyncState()).isEqualTo("completed");
    }

    @Test
    void shouldKeepOrganizationTimes_EarliestAndLatestVersionSeen_WhateverTheBatchCuts() throws Exception {
        log.member(aMember(ORG, "u1").at(5).build());
        writeNew();
        log.member(aMember(ORG, "u2").at(3).build()); // older than the first batch
        writeNew();
        log.member(aMember(ORG, "u1").at(8).build());
        writeNew();
        var before = db.tupleIdentities();
        log.member(aMember(ORG, "u3").at(6).build()); // inside the known range: no organization rewrite
        writeNew();

        assertThat(((Timestamp) db.scalar("SELECT created_at FROM organizations")).toInstant()).isEqualTo(t(3));
        assertThat(((Timestamp) db.scalar("SELECT updated_at FROM organizations")).toInstant()).isEqualTo(t(8));
        assertThat(db.tupleIdentities().get("organizations")).isEqualTo(before.get("organizations"));

        try (TestDatabase other = TestDatabase.create()) {
            BatchWriter oneBatch = new BatchWriter(other.dataSource(), new RecordDecoder(topics),
                    new OffsetStore(new PostgresDialect(), "writer"), Retry.forDatabase(3, Duration.ofMillis(10),
                    Duration.ofMillis(10)), deadLetters::addAll,
                    new dev.scimsync.writer.metrics.WriterMetrics(new SimpleMeterRegistry(), Clock.systemUTC()));
            oneBatch.write(log.consumerRecords());
            assertThat(other.checksums().get("organizations")).isEqualTo(db.checksums().get("organizations"));
        }
    }

    @ParameterizedTest(name = "SQLState {0}")
    @ValueSource(strings = {"57014", "42501", "42P01", "53100"})
    void shouldFailTheBatch_AndDeadLetterNothing_WhenTheDatabaseFailsForAReasonThatIsNotTheRecords(String sqlState)
            throws Exception {
        log.member(aMember(ORG, "u1").at(2).build());
        writeNew();
        // stands for a statement timeout, a revoked grant, a dropped table, a full disk: every record fails alike
        rejectWrites("members", sqlState);
        log.member(aMember(ORG, "u2").at(3).build());
        log.member(aMember(ORG, "u3").at(3).build());
        retrySleeps.clear();

        assertThatThrownBy(this::writeNew).isInstanceOf(BatchFailedException.class).hasMessageContaining(sqlState);

        assertThat(retrySleeps).as("retried with backoff before giving up").hasSize(2);
        assertThat(deadLetters).isEmpty();
        assertThat(db.scalar("SELECT string_agg(directory_user_id, ',') FROM members")).isEqualTo("u1");
        assertThat(db.scalar("SELECT sum(next_offset) FROM writer_offsets")).isEqualTo(java.math.BigDecimal.ONE);
    }

    @Test
    void shouldFailTheBatch_WhenAColumnWasRenamed() throws Exception {
        db.execute("ALTER TABLE members RENAME COLUMN first_name TO given_name");
        log.member(aMember(ORG, "u1").at(2).build());
        log.group(aGroup(ORG, "g1").at(2).build());

        assertThatThrownBy(this::writeNew).isInstanceOf(BatchFailedException.class).hasMessageContaining("42703");

        assertThat(deadLetters).isEmpty();
        assertThat(db.scalar("SELECT count(*) FROM writer_offsets")).isEqualTo(0L);
        assertThat(db.scalar("SELECT count(*) FROM groups")).isEqualTo(0L);
    }

    @Test
    void shouldFailRatherThanDeadLetterEveryRecord_WhenEachRecordFailsAlone() throws Exception {
        rejectWrites("members", "23514"); // a data error class, as a new check constraint would raise
        log.member(aMember(ORG, "u1").at(2).build());
        log.member(aMember(ORG, "u2").at(2).build());
        log.member(aMember(ORG, "u3").at(2).build());

        assertThatThrownBy(this::writeNew).isInstanceOf(BatchFailedException.class)
                .hasMessageContaining("every one of the 3 changes of table members in the batch failed alone");

        assertThat(deadLetters).isEmpty();
        assertThat(db.scalar("SELECT count(*) FROM writer_offsets")).isEqualTo(0L);
        assertThat(db.scalar("SELECT count(*) FROM members")).isEqualTo(0L);
    }

    @Test
    void shouldFailTheBatch_WhenEveryChangeOfOneTableFailsAlone_EvenIfTheOtherTablesSucceed() throws Exception {
        rejectWrites("members", "23514"); // a new check constraint on members: every member change is rejected
        log.member(aMember(ORG, "u1").at(2).build());
        log.member(aMember(ORG, "u2").at(3).removed().build());
        log.status(aStatus(ORG, 3, 2, 1, 0, null, null));
        log.group(aGroup(ORG, "g1").at(2).build());
        log.membership(aMembership(ORG, "g1", "u1").at(2).build());

        assertThatThrownBy(this::writeNew).isInstanceOf(BatchFailedException.class)
                .hasMessageContaining("every one of the 2 changes of table members in the batch failed alone")
                .hasMessageContaining("23514");

        assertThat(deadLetters).isEmpty();
        assertThat(db.scalar("SELECT count(*) FROM writer_offsets")).isEqualTo(0L);
        for (String table : List.of("organizations", "members", "groups", "group_memberships", "sync_status", "sync_runs")) {
            assertThat(db.scalar("SELECT count(*) FROM " + table)).as(table).isEqualTo(0L);
        }
    }

    @Test
    void shouldDeadLetterTheOnlyChangeOfItsTable_WhenItFailsAlone_AndWriteTheOtherTables() throws Exception {
        log.member(aMember(ORG, "u1").withEmail("nul\u0000@example.com").at(2).build()); // the batch's only member
        log.status(aStatus(ORG, 3, 0, 1, 0, null, null));
        log.group(aGroup(ORG, "g1").at(2).build());
        log.membership(aMembership(ORG, "g1", "u1").at(2).build());
        BatchResult result = writeNew();

        assertThat(result.recordByRecord()).isTrue();
        assertThat(result.deadLettered()).isEqualTo(1);
        assertThat(result.applied()).isEqualTo(3);
        assertThat(deadLetters).singleElement()
                .satisfies(l -> assertThat(l.reason()).startsWith("database rejected the change"));
        assertThat(db.scalar("SELECT count(*) FROM members")).isEqualTo(0L);
        assertThat(db.scalar("SELECT count(*) FROM groups")).isEqualTo(1L);
        assertThat(db.scalar("SELECT processor_applied_events FROM sync_status")).isEqualTo(3L);
        assertThat(db.scalar("SELECT sum(next_offset) FROM writer_offsets")).isEqualTo(java.math.BigDecimal.valueOf(4));
    }

    @Test
    void shouldDeadLetterEveryBadRecord_WhenAllChangesOfATableFailOnTheirOwnData_NotStopTheWriter() throws Exception {
        log.member(aMember(ORG, "u1").at(1).build());
        writeNew();
        // two NUL bytes in one batch: every member change of the batch fails alone, yet the table takes good data
        log.member(aMember(ORG, "u2").withFirstName("Nul\u0000One").withEmail("nul.one@example.com").at(2).build());
        log.member(aMember(ORG, "u3").withFirstName("Nul\u0000Two").withEmail("nul.two@example.com").at(3).build());
        log.group(aGroup(ORG, "g1").at(2).build());

        BatchResult result = writeNew();

        assertThat(result.deadLettered()).isEqualTo(2);
        assertThat(deadLetters).hasSize(2).allSatisfy(l -> assertThat(l.reason())
                .startsWith("database rejected the change").contains("22021")
                .doesNotContain("Nul").doesNotContain("example.com"));
        assertThat(db.scalar("SELECT string_agg(directory_user_id, ',') FROM members")).isEqualTo("u1");
        assertThat(db.scalar("SELECT count(*) FROM groups")).isEqualTo(1L);
        assertThat(db.scalar("SELECT sum(next_offset) FROM writer_offsets")).isEqualTo(java.math.BigDecimal.valueOf(4));
        assertThat(db.scalar("SELECT count(*) FROM organizations WHERE id = 'scim-sync-probe'"))
                .as("the known-good probe leaves nothing").isEqualTo(0L);
    }

    @Test
    void shouldDescribeADatabaseErrorWithoutTheRecordsValues() throws Exception {
        // PostgreSQL's detail quotes the duplicate value: "Key (first_name)=(Ada) already exists"
        db.execute("CREATE UNIQUE INDEX members_first_name_unique ON members (first_name)");
        log.member(aMember(ORG, "u1").withFirstName("Ada").at(1).build());
        writeNew();
        log.member(aMember(ORG, "u2").withFirstName("Ada").at(2).build());
        log.member(aMember(ORG, "u3").withFirstName("Alan").at(2).build());

        writeNew();

        assertThat(deadLetters).singleElement().satisfies(l -> assertThat(l.reason()).contains("23505")
                .contains("members_first_name_unique").doesNotContain("Ada"));
    }

    @Test
    void shouldApplyARestartedCount_WhenItsCountingSinceIsLater_AndIgnoreTheOldCountBelowItsHighest() throws Exception {
        java.time.Instant a = t(0);
        java.time.Instant b = t(3600); // a new processor application id: a new count, started later
        log.status(counting(aStatus(ORG, 10, 1, 0, 0, null, null), a, 10));
        log.status(counting(aStatus(ORG, 50, 5, 0, 0, null, null), a, 50));
        writeNew();
        assertThat(db.scalar("SELECT processor_applied_events FROM sync_status")).isEqualTo(50L);

        log.status(counting(aStatus(ORG, 60, 6, 0, 0, null, null), b, 1));
        writeNew();
        OrganizationStatus status = new OrganizationQueries(db.dataSource()).status(ORG).orElseThrow();
        assertThat(status.lastEventId()).as("the restarted count is applied").isEqualTo(Fixtures.eventId(60));
        assertThat(status.processorMembers()).isEqualTo(6L);
        assertThat(db.scalar("SELECT processor_applied_events FROM sync_status")).isEqualTo(1L);
        assertThat(((Timestamp) db.scalar("SELECT processor_counting_since FROM sync_status")).toInstant()).isEqualTo(b);

        var before = db.tupleIdentities();
        log.status(counting(aStatus(ORG, 40, 4, 0, 0, null, null), a, 40));   // the old count, late
        log.status(counting(aStatus(ORG, 99, 9, 0, 0, null, null), null, 99)); // no countingSince: the oldest
        log.status(counting(aStatus(ORG, 61, 7, 0, 0, null, null), b, 1));    // same count: not later
        BatchResult result = writeNew();
        assertThat(result.applied()).isZero();
        assertThat(db.tupleIdentities().get("sync_status")).as("no status row rewritten").isEqualTo(before.get("sync_status"));
        status = new OrganizationQueries(db.dataSource()).status(ORG).orElseThrow();
        assertThat(status.lastEventId()).isEqualTo(Fixtures.eventId(60));
        assertThat(status.processorMembers()).isEqualTo(6L);

        log.status(counting(aStatus(ORG, 62, 8, 0, 0, null, null), b, 2));
        writeNew();
        assertThat(new OrganizationQueries(db.dataSource()).status(ORG).orElseThrow().lastEventId())
                .isEqualTo(Fixtures.eventId(62));
    }

    @Test
    void shouldOrderStatusesWithoutCountingSince_ByAppliedEvents_AndYieldToAnyCountingSince() throws Exception {
        // rows and records from before countingSince existed
        log.status(counting(aStatus(ORG, 50, 5, 0, 0, null, null), null, 50));
        writeNew();
        log.status(counting(aStatus(ORG, 40, 4, 0, 0, null, null), null, 40));
        writeNew();
        assertThat(new OrganizationQueries(db.dataSource()).status(ORG).orElseThrow().lastEventId())
                .isEqualTo(Fixtures.eventId(50));

        log.status(counting(aStatus(ORG, 70, 7, 0, 0, null, null), t(0), 1)); // the upgraded processor's first count
        writeNew();
        assertThat(new OrganizationQueries(db.dataSource()).status(ORG).orElseThrow().lastEventId())
                .isEqualTo(Fixtures.eventId(70));
        assertThat(db.scalar("SELECT processor_applied_events FROM sync_status")).isEqualTo(1L);
    }

    /** Makes every insert or update of the table fail with the given SQLState. */
    private void rejectWrites(String table, String sqlState) throws Exception {
        db.execute("CREATE FUNCTION reject_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "RAISE EXCEPTION 'simulated failure' USING ERRCODE = '" + sqlState + "'; END $$");
        db.execute("CREATE TRIGGER reject_writes BEFORE INSERT OR UPDATE ON " + table
                + " FOR EACH ROW EXECUTE FUNCTION reject_writes()");
    }

    @Test
    void shouldKeepCounts_EqualToARecount_AfterRandomChangesRedeliveriesAndReplays() throws Exception {
        Random random = new Random(20260101L);
        List<String> organizations = List.of("org_a", "org_b", "org_c");
        for (int i = 0; i < 600; i++) {
            String org = organizations.get(random.nextInt(organizations.size()));
            long at = 1 + random.nextInt(300); // versions out of order: stale changes too
            boolean removed = random.nextInt(3) == 0;
            switch (random.nextInt(3)) {
                case 0 -> {
                    var m = aMember(org, "u" + random.nextInt(12)).at(at);
                    if (i % 97 == 50) {
                        m.withEmail("nul\u0000@example.com"); // rejected by PostgreSQL: the record-by-record path
                    }
                    log.member((removed ? m.removed() : m).build());
                }
                case 1 -> {
                    var g = aGroup(org, "g" + random.nextInt(6)).at(at);
                    log.group((removed ? g.removed() : g).build());
                }
                default -> {
                    var ms = aMembership(org, "g" + random.nextInt(6), "u" + random.nextInt(12)).at(at);
                    log.membership((removed ? ms.removed() : ms).build());
                }
            }
        }
        List<ConsumerRecord<byte[], byte[]>> all = log.consumerRecords();

        int from = 0;
        while (from < all.size()) {
            int to = Math.min(all.size(), from + 1 + random.nextInt(40));
            writer.write(all.subList(from, to));
            assertCountsEqualARecount();
            if (random.nextInt(4) == 0) { // a redelivery of something already written, through another group
                int start = random.nextInt(to);
                newWriter("redelivery-" + from).write(all.subList(start, Math.min(to, start + 1 + random.nextInt(30))));
                assertCountsEqualARecount();
            }
            from = to;
        }
        var first = db.checksums();
        assertThat(db.scalar("SELECT sum(members + groups + memberships) > 0 FROM sync_status")).isEqualTo(true);
        assertThat(deadLetters).as("the record-by-record path was taken").isNotEmpty();

        BatchWriter replay = newWriter("replay");
        for (int start = 0; start < all.size(); start += 17) {
            replay.write(all.subList(start, Math.min(all.size(), start + 17)));
        }
        assertCountsEqualARecount();
        first.remove("writer_offsets");
        var replayed = db.checksums();
        replayed.remove("writer_offsets");
        assertThat(replayed).isEqualTo(first);
    }

    private void assertCountsEqualARecount() throws Exception {
        Map<String, String> stored = new LinkedHashMap<>();
        Map<String, String> recounted = new LinkedHashMap<>();
        try (var c = db.dataSource().getConnection(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT s.organization_id, s.members || '/' || s.groups || '/' || s.memberships, "
                     + "(SELECT count(*) FROM members m WHERE m.organization_id = s.organization_id AND m.source = 'directory' "
                     + "AND m.removed_at IS NULL) || '/' || (SELECT count(*) FROM groups g WHERE g.organization_id = "
                     + "s.organization_id AND g.removed_at IS NULL) || '/' || (SELECT count(*) FROM group_memberships gm "
                     + "WHERE gm.organization_id = s.organization_id) FROM sync_status s ORDER BY 1")) {
            while (rs.next()) {
                stored.put(rs.getString(1), rs.getString(2));
                recounted.put(rs.getString(1), rs.getString(3));
            }
        }
        assertThat(stored).isEqualTo(recounted);
        assertThat(db.scalar("SELECT count(*) FROM organizations o WHERE NOT EXISTS "
                + "(SELECT 1 FROM sync_status s WHERE s.organization_id = o.id)")).isEqualTo(0L);
    }

    @Test
    void shouldRecordMetrics_ForAppliedChanges() throws Exception {
        log.member(aMember(ORG, "u1").at(2).build());
        log.member(aMember(ORG, "u1").at(3).removed().build());
        log.membership(aMembership(ORG, "g1", "u1").at(2).build());
        // a resync's writes are rows written, but no sample of how far the sync trails WorkOS
        log.member(aMember(ORG, "u2").fromResync(2).build());
        log.member(aMember(ORG, "u3").at(2).build());
        log.member(aMember(ORG, "u3").removed().fromResync(4).build());
        writeNew();

        assertThat(registry.counter(MetricNames.ROWS_WRITTEN, MetricNames.TAG_TABLE, "members",
                MetricNames.TAG_OPERATION, "upsert").count()).isEqualTo(3.0);
        assertThat(registry.counter(MetricNames.ROWS_WRITTEN, MetricNames.TAG_TABLE, "members",
                MetricNames.TAG_OPERATION, "remove").count()).isEqualTo(2.0);
        assertThat(registry.get(MetricNames.SYNC_LAG).timer().count()).isEqualTo(4);
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
