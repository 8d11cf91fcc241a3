package dev.scimsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.cli.ExitCodes;
import dev.scimsync.cli.ScimSyncCommand;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.EventSource;
import dev.scimsync.core.topic.OrganizationPartitioning;
import dev.scimsync.core.topic.Topic;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;
import dev.scimsync.emulator.events.StoredEvent;
import dev.scimsync.emulator.faults.FaultSettings;
import dev.scimsync.runtime.ScimSyncRuntime;
import dev.scimsync.runtime.Stage;
import dev.scimsync.testkit.SharedKafka;
import dev.scimsync.testkit.SharedPostgres;
import dev.scimsync.writer.access.GroupMappingService;
import dev.scimsync.writer.access.GroupMappingSet;
import dev.scimsync.writer.access.GroupSync;
import picocli.CommandLine;

/** Replay on a real broker and PostgreSQL: the database rebuilt from the events topic, WorkOS not asked. */
@ExtendWith({SharedKafka.class, SharedPostgres.class})
class ReplayIT {

    @TempDir
    Path dataDir;

    private WorkosEmulator emulator;
    private EmulatorAdminClient idp;
    private String schema;
    private String prefix;
    private ScimSyncRuntime runtime;

    @BeforeEach
    void setUp(TestInfo test) {
        emulator = WorkosEmulator.start(EmulatorOptions.defaults());
        idp = new EmulatorAdminClient(emulator.baseUrl());
        prefix = SharedKafka.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        schema = SharedPostgres.newSchema();
        Map<String, String> env = new HashMap<>(TestPipeline.environment(prefix, schema, emulator.apiKey(),
                emulator.baseUrl(), dataDir));
        env.put("SCIM_SYNC_POLLER_MAX_BACKOFF", "PT1S");
        if (test.getTestMethod().orElseThrow().getName().contains("OneOrganization")) {
            // the others replay with their stores on the heap (the default for histories this small)
            env.put("SCIM_SYNC_PROCESSOR_REPLAY_STORES", "disk");
        }
        runtime = ScimSyncRuntime.start(ConfigReader.from(env), EnumSet.allOf(Stage.class));
    }

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            runtime.close();
        }
        emulator.close();
    }

    @Test
    void shouldRebuildRowsDeletedOrEditedByHand_WithWorkosDown_AndChangeNothingOnAHealthyDatabase() throws Exception {
        CreatedDirectory acme = directory("Acme", 40, 6);
        awaitDatabaseEquals(acme);
        // two users deleted in WorkOS without events, removed by a resync: history a replay must apply as it was
        idp.drop(acme.id(), 2, false);
        runtime.resyncs().start(acme.organizationId(), "both", false, false);
        awaitDatabaseEquals(acme);
        // rows no event derives: a member added by hand, and a Primary Owner the IdP deleted (sync never removes it)
        String org = acme.organizationId();
        execute("INSERT INTO members (organization_id, source, email, first_name, created_at, updated_at) VALUES ('"
                + org + "', 'manual', 'manual@example.test', 'Manual', now(), now())");
        String owner = idp.snapshot(acme.id()).users().get(5).id();
        execute("UPDATE organizations SET primary_owner_member_id = (SELECT id FROM members WHERE directory_user_id = '"
                + owner + "') WHERE id = '" + org + "'");
        idp.scimDeleteUser(acme.id(), acme.scimToken(), owner);
        String lastEvent = emulator.events().all().stream().filter(e -> org.equals(e.organizationId()))
                .reduce((a, b) -> b).orElseThrow().id();
        await().atMost(Duration.ofSeconds(30)).until(() -> lastEvent.equals(
                scalar("SELECT last_event_id FROM sync_status WHERE organization_id = '" + org + "'")));
        assertThat(scalar("SELECT count(*) FROM members WHERE directory_user_id = '" + owner
                + "' AND removed_at IS NULL")).as("the Primary Owner stays").isEqualTo("1");
        // access decided by group mappings: rows no event derives (the mappings) and rows the events decide (access)
        mapTwoGroups(org);
        assertThat(scalar("SELECT count(*) FROM member_access WHERE role = 'admin'")).isNotEqualTo("0");
        // a user created in a transaction that was aborted (a poller that failed mid-publish): on the events topic,
        // but the replay must not apply it (the dump after the replay below would hold it)
        publishAborted(acme);
        String healthy = dump();
        assertThat(healthy).doesNotContain("aborted@example.test");

        execute("DELETE FROM group_memberships");
        execute("UPDATE member_access SET role = 'damaged', seat_tier = NULL");
        // the rows the events derive; a manual member's, or a Primary Owner's that the IdP removed, are no event's
        // (sync leaves them as they are, a replay too)
        execute("UPDATE members SET email = 'damaged@example.com' WHERE source = 'directory' AND id IS DISTINCT FROM "
                + "(SELECT primary_owner_member_id FROM organizations WHERE id = '" + org + "')");
        idp.setFaults(new FaultSettings(0, 1.0, 503, false, 0)); // WorkOS answers 503 to everything
        assertThat(replay("--yes")).isEqualTo(ExitCodes.OK);

        assertThat(dump()).as("the rebuilt database is the one before the damage, manual member, Primary Owner and "
                + "access included").isEqualTo(healthy);
        String replayId = scalar("SELECT id FROM sync_runs WHERE kind = 'replay'");
        assertThat(runtime.replays().progress(replayId).orElseThrow().stores()).as("a small history, on the heap")
                .isEqualTo("heap");
        assertThat(scalar("SELECT count(*) || ' ' || min(cause_kind) || ' ' || min(cause_id) FROM member_access_changes "
                + "WHERE cause_kind = 'replay'")).as("the damaged access rows were rewritten, the replay named as cause")
                .isEqualTo(scalar("SELECT count(*) FROM member_access") + " replay " + replayId);
        String runs = scalar("SELECT state || ' ' || kind || ' ' || memberships FROM sync_runs WHERE kind = 'replay'");
        assertThat(runs).isEqualTo("completed replay " + idp.snapshot(acme.id()).memberships().size());

        assertThat(replay("--yes")).as("a replay of a healthy database").isEqualTo(ExitCodes.OK);
        assertThat(dump()).isEqualTo(healthy);
        // a replay deletes its shadow once it has ended
        await().atMost(Duration.ofSeconds(30)).until(() -> "0".equals(scalar(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE 'scim_sync_replay%'")));
    }

    @Test
    void shouldReplayOneOrganization_LeavingTheOthersRowsUntouched_AndRefuseAnUnknownOne() throws Exception {
        CreatedDirectory acme = directory("Acme", 20, 3);
        CreatedDirectory globex = directory("Globex", 20, 3);
        awaitDatabaseEquals(acme);
        awaitDatabaseEquals(globex);
        execute("UPDATE members SET first_name = 'Damaged' WHERE organization_id = '" + acme.organizationId() + "'");
        execute("UPDATE members SET first_name = 'Damaged' WHERE organization_id = '" + globex.organizationId()
                + "' AND directory_user_id IN (SELECT directory_user_id FROM members WHERE organization_id = '"
                + globex.organizationId() + "' ORDER BY directory_user_id LIMIT 1)");
        // the pipeline is done with Globex (its status trails its rows by a commit): its row versions hold still
        String[] settled = new String[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            String now = rowVersions(globex.organizationId());
            boolean same = now.equals(settled[0]);
            settled[0] = now;
            return same;
        });
        String globexRows = settled[0];

        assertThat(replay("--org", acme.organizationId())).isEqualTo(ExitCodes.OK);

        assertDatabaseEquals(acme);
        assertThat(rowVersions(globex.organizationId())).as("not even rewritten").isEqualTo(globexRows);
        assertThat(runtime.replays().progress(scalar("SELECT id FROM sync_runs WHERE kind = 'replay'")).orElseThrow()
                .stores()).as("SCIM_SYNC_PROCESSOR_REPLAY_STORES=disk").isEqualTo("rocksdb");
        assertThat(replay("--org", "org_unknown_to_the_database")).isEqualTo(ExitCodes.ADMIN_API_UNAVAILABLE);

        // a directory member no event derives (inserted by hand): the replay would remove it, beyond a limit of 0
        String acmeId = acme.organizationId();
        execute("INSERT INTO members (organization_id, source, directory_user_id, email, version_at, version_event_id, "
                + "created_at, updated_at) VALUES ('" + acmeId + "', 'directory', 'directory_user_ghost', "
                + "'ghost@example.test', now(), 'event_ghost', now(), now())");
        execute("UPDATE organizations SET max_removal_count = 0 WHERE id = '" + acmeId + "'");
        assertThat(replay("--org", acmeId)).as("held by the removal limit").isEqualTo(ExitCodes.FAILED);
        assertThat(scalar("SELECT count(*) FROM members WHERE directory_user_id = 'directory_user_ghost' "
                + "AND removed_at IS NULL")).isEqualTo("1");
        assertThat(replay("--org", acmeId, "--force")).isEqualTo(ExitCodes.OK);
        assertThat(scalar("SELECT count(*) FROM members WHERE directory_user_id = 'directory_user_ghost' "
                + "AND removed_at IS NOT NULL")).as("marked removed, not deleted").isEqualTo("1");

        // an operator shortened the events topic's retention: its first events are gone
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()))) {
            String events = prefix + "events";
            int partition = OrganizationPartitioning.partitionOf(acme.organizationId(), 3);
            admin.deleteRecords(Map.of(new TopicPartition(events, partition), RecordsToDelete.beforeOffset(1))).all()
                    .get();
        }
        assertThat(replay("--org", acme.organizationId())).as("history cut by retention")
                .isEqualTo(ExitCodes.ADMIN_API_UNAVAILABLE);
        assertThat(scalar("SELECT count(*) FROM sync_runs WHERE kind = 'replay'")).isEqualTo("3");
    }

    @Test
    void shouldKeepLiveChangesMadeWhileAReplayRuns() throws Exception {
        CreatedDirectory acme = directory("Acme", 30, 4);
        awaitDatabaseEquals(acme);
        execute("DELETE FROM group_memberships");

        assertThat(replay("--yes", "--no-wait")).isEqualTo(ExitCodes.OK);
        assertThat(replay("--yes", "--no-wait")).as("a second replay while one runs").isEqualTo(
                ExitCodes.ADMIN_API_UNAVAILABLE);
        List<String> added = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            added.add(idp.scimCreateUser(acme.id(), acme.scimToken(), "late" + i + "@acme.test", "Late", "Joiner" + i,
                    true));
        }
        String group = idp.snapshot(acme.id()).groups().get(0).id();
        idp.scimPatchGroupMembers(acme.id(), acme.scimToken(), group, added, List.of());
        await().atMost(Duration.ofSeconds(120)).until(() -> "completed".equals(
                scalar("SELECT state FROM sync_runs WHERE kind = 'replay'")));

        awaitDatabaseEquals(acme);
    }

    // --- helpers

    private CreatedDirectory directory(String name, int users, int groups) {
        CreatedDirectory directory = idp.createDirectory(idp.createOrganization(name), name + " Okta");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            ids.add(idp.scimCreateUser(directory.id(), directory.scimToken(), name.toLowerCase() + i + "@example.test",
                    "User", "Number" + i, true));
        }
        int perGroup = users / groups;
        for (int g = 0; g < groups; g++) {
            idp.scimCreateGroup(directory.id(), directory.scimToken(), name + " team " + g,
                    ids.subList(g * perGroup, Math.min(users, g * perGroup + perGroup + 2)));
        }
        idp.scimPatchUserActive(directory.id(), directory.scimToken(), ids.get(1), false);
        idp.scimDeleteUser(directory.id(), directory.scimToken(), ids.get(2));
        return directory;
    }

    private int replay(String... args) {
        List<String> all = new ArrayList<>(List.of("replay", "--url", runtime.adminServer().url(), "--data-dir",
                dataDir.toString()));
        all.addAll(List.of(args));
        CommandLine command = ScimSyncCommand.commandLine().setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(new StringWriter()));
        return command.execute(all.toArray(String[]::new));
    }

    private void awaitDatabaseEquals(CreatedDirectory directory) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertDatabaseEquals(directory));
    }

    private void assertDatabaseEquals(CreatedDirectory directory) throws Exception {
        TestPipeline.assertDatabaseEquals(idp, schema, directory);
    }

    /** Every table a user reads, as text, in a fixed order: run history and writer offsets aside. */
    private String dump() throws Exception {
        StringBuilder all = new StringBuilder();
        for (String query : List.of(
                "SELECT * FROM organizations ORDER BY id",
                "SELECT * FROM members ORDER BY organization_id, directory_user_id",
                "SELECT * FROM groups ORDER BY organization_id, directory_group_id",
                "SELECT * FROM group_memberships ORDER BY organization_id, directory_group_id, directory_user_id",
                "SELECT * FROM group_membership_removals ORDER BY organization_id, directory_group_id, directory_user_id",
                "SELECT organization_id, members, groups, memberships FROM sync_status ORDER BY organization_id",
                "SELECT m.organization_id, m.directory_user_id, m.source, a.role, a.capabilities, a.seat_tier, "
                        + "a.spend_limit_amount, a.spend_limit_currency, a.role_decided_by, a.seat_tier_decided_by, "
                        + "a.spend_limit_decided_by FROM member_access a JOIN members m ON m.id = a.member_id "
                        + "ORDER BY 1, 2, m.email")) {
            all.append(scalar("SELECT string_agg(t::text, E'\\n') FROM (" + query + ") t")).append("\n--\n");
        }
        return all.toString();
    }

    /** The organization's rows with their row versions (xmin): any rewrite changes it. */
    private String rowVersions(String organizationId) throws Exception {
        StringBuilder all = new StringBuilder();
        for (String table : List.of("members", "groups", "group_memberships", "sync_status")) {
            all.append(scalar("SELECT string_agg(xmin::text || ':' || t::text, E'\\n' ORDER BY t::text) FROM " + table
                    + " t WHERE organization_id = '" + organizationId + "'")).append("\n--\n");
        }
        all.append(scalar("SELECT xmin::text || ':' || o::text FROM organizations o WHERE id = '" + organizationId + "'"));
        return all.toString();
    }

    /** Advanced mappings on: team 0 → admin/enterprise (20), team 1 → analyst/premium with a limit (10). */
    private void mapTwoGroups(String organizationId) throws Exception {
        String team0 = scalar("SELECT directory_group_id FROM groups WHERE organization_id = '" + organizationId
                + "' AND name LIKE '% team 0'");
        String team1 = scalar("SELECT directory_group_id FROM groups WHERE organization_id = '" + organizationId
                + "' AND name LIKE '% team 1'");
        GroupSync sync = new GroupMappingService(runtime.database().dataSource(), 100, 1_000, java.time.Clock.systemUTC())
                .replace(organizationId, new GroupMappingSet(true, new GroupMappingSet.Defaults("member", "standard"),
                        null, List.of(new GroupMappingSet.CustomRole("analyst", List.of("reports.view"))),
                        List.of(new GroupMappingSet.Mapping(team0, "admin", "enterprise", null, 20),
                                new GroupMappingSet.Mapping(team1, "analyst", "premium",
                                        new GroupMappingSet.SpendLimit(50_000L, "USD"), 10))), false, false);
        assertThat(sync.state()).isEqualTo(GroupSync.APPLIED);
    }

    private void execute(String sql) throws Exception {
        try (Connection c = SharedPostgres.connect(SharedPostgres.jdbcUrl(schema)); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** A copy of one of the directory's user-created events, for a user no one created, in an aborted transaction. */
    private void publishAborted(CreatedDirectory directory) throws Exception {
        StoredEvent created = emulator.events().all().stream().filter(e -> directory.organizationId()
                .equals(e.organizationId()) && e.type().equals("dsync.user.created")).findFirst().orElseThrow();
        ObjectNode event = created.render();
        // another valid id of the same time: the last character of the ULID changed
        String id = created.id();
        String eventId = id.substring(0, id.length() - 1) + (id.endsWith("Z") ? "Y" : "Z");
        event.put("id", eventId);
        ((ObjectNode) event.get("data")).put("id", "directory_user_aborted").put("email", "aborted@example.test");
        EventEnvelope envelope = new EventEnvelope(directory.organizationId(), eventId, created.type(),
                Instant.parse(event.get("created_at").asText()), EventSource.EVENTS_API, null, Instant.now(), event);
        Topic<String, EventEnvelope> events = new Topics(prefix).events();
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "aborting");
        try (KafkaProducer<String, EventEnvelope> producer = new KafkaProducer<>(config,
                events.keySerde().serializer(), events.valueSerde().serializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            int partition = OrganizationPartitioning.partitionOf(directory.organizationId(),
                    producer.partitionsFor(events.name()).size());
            producer.send(new ProducerRecord<>(events.name(), partition, directory.organizationId(), envelope)).get();
            producer.flush();
            producer.abortTransaction();
        }
    }

    private String scalar(String sql) throws Exception {
        try (Connection c = SharedPostgres.connect(SharedPostgres.jdbcUrl(schema)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private Set<List<String>> rows(String sql) throws Exception {
        return TestPipeline.rows(schema, sql);
    }
}
