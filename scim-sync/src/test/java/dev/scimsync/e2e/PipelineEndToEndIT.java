package dev.scimsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.cli.ExitCodes;
import dev.scimsync.cli.ScimSyncCommand;
import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.core.serde.Json;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;
import dev.scimsync.emulator.model.DirectorySnapshot;
import dev.scimsync.runtime.ScimSyncRuntime;
import dev.scimsync.runtime.Stage;
import dev.scimsync.testkit.SharedKafka;
import dev.scimsync.testkit.SharedPostgres;
import picocli.CommandLine;

/**
 * The whole pipeline in one process — poller, processor, writer, admin API — on a real broker, a real
 * PostgreSQL and the WorkOS emulator over HTTP, driven like an IdP through SCIM.
 */
@ExtendWith({SharedKafka.class, SharedPostgres.class})
class PipelineEndToEndIT {

    @TempDir
    Path dataDir;

    private WorkosEmulator emulator;
    private EmulatorAdminClient idp;
    private Map<String, String> env;
    private String schema;
    private ScimSyncRuntime runtime;

    @BeforeEach
    void setUp(TestInfo test) {
        emulator = WorkosEmulator.start(EmulatorOptions.defaults());
        idp = new EmulatorAdminClient(emulator.baseUrl());
        String prefix = SharedKafka.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        schema = SharedPostgres.newSchema();
        env = new HashMap<>(TestPipeline.environment(prefix, schema, emulator.apiKey(), emulator.baseUrl(), dataDir));
    }

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            runtime.close();
        }
        emulator.close();
    }

    @Test
    void shouldMirrorScimChangesIntoTheDatabase_ExactlyAsTheDirectory() throws Exception {
        runtime = ScimSyncRuntime.start(ConfigReader.from(env), EnumSet.allOf(Stage.class));
        CreatedDirectory acme = directory("Acme");
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            users.add(idp.scimCreateUser(acme.id(), acme.scimToken(), "user" + i + "@acme.test", "User", "Number" + i, true));
        }
        List<String> groups = new ArrayList<>();
        for (int g = 0; g < 5; g++) {
            groups.add(idp.scimCreateGroup(acme.id(), acme.scimToken(), "Team " + g, users.subList(g * 10, g * 10 + 10)));
        }
        idp.scimPatchGroupMembers(acme.id(), acme.scimToken(), groups.get(0), users.subList(20, 25), users.subList(0, 3));
        idp.scimRenameGroup(acme.id(), acme.scimToken(), groups.get(1), "Platform");
        idp.scimRenameGroup(acme.id(), acme.scimToken(), groups.get(2), "Security & Compliance");
        idp.scimReplaceUser(acme.id(), acme.scimToken(), users.get(5), "renamed5@acme.test", "Renamed", "Person", true);
        for (int i = 40; i < 43; i++) {
            idp.scimPatchUserActive(acme.id(), acme.scimToken(), users.get(i), false);
        }
        idp.scimDeleteUser(acme.id(), acme.scimToken(), users.get(11));
        idp.scimDeleteUser(acme.id(), acme.scimToken(), users.get(12));
        idp.scimDeleteGroup(acme.id(), acme.scimToken(), groups.get(4));

        awaitDatabaseEquals(acme);

        // status, through the command line against the running admin API; the status record trails the
        // entity rows by up to one processor commit, so wait for it to name the organization's last event
        String lastEvent = emulator.events().all().stream()
                .filter(e -> acme.organizationId().equals(e.organizationId()))
                .reduce((first, second) -> second).orElseThrow().id();
        DirectorySnapshot snapshot = idp.snapshot(acme.id());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            StringWriter out = new StringWriter();
            CommandLine status = ScimSyncCommand.commandLine().setOut(new PrintWriter(out));
            int exit = status.execute("status", "--url", runtime.adminServer().url(), "--data-dir", dataDir.toString(),
                    "--org", acme.organizationId(), "--json");
            assertThat(exit).isZero();
            JsonNode orgStatus = Json.MAPPER.readTree(out.toString());
            assertThat(orgStatus.get("id").asText()).isEqualTo(acme.organizationId());
            assertThat(orgStatus.path("name").asText()).as("the name WorkOS has for the organization").isEqualTo("Acme");
            assertThat(orgStatus.path("last_event_id").asText()).isEqualTo(lastEvent);
            assertThat(orgStatus.get("members").asLong()).isEqualTo(snapshot.users().size());
            assertThat(orgStatus.get("groups").asLong()).isEqualTo(snapshot.groups().size());
            assertThat(orgStatus.get("memberships").asLong()).isEqualTo(snapshot.memberships().size());
        });

        StringWriter table = new StringWriter();
        assertThat(ScimSyncCommand.commandLine().setOut(new PrintWriter(table))
                .execute("status", "--url", runtime.adminServer().url(), "--data-dir", dataDir.toString())).isZero();
        assertThat(table.toString()).contains(acme.organizationId()).contains(" Acme ")
                .contains(" " + snapshot.users().size() + " ");

        // the sync-lag histogram on /metrics, open without a token
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(runtime.adminServer().url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("scim_sync_sync_lag_seconds_bucket{");
        assertThat(metrics.body()).contains("scim_sync_poller_events_published_total{");

        // the API itself wants the token
        HttpResponse<String> unauthorized = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(runtime.adminServer().url() + "/api/organizations")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unauthorized.statusCode()).isEqualTo(401);
    }

    @Test
    void shouldResumeAfterARestart_WithoutReapplyingAndWithNewChangesFlowing() throws Exception {
        runtime = ScimSyncRuntime.start(ConfigReader.from(env), EnumSet.allOf(Stage.class));
        CreatedDirectory acme = directory("Acme");
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            users.add(idp.scimCreateUser(acme.id(), acme.scimToken(), "u" + i + "@acme.test", "U", "N" + i, true));
        }
        idp.scimCreateGroup(acme.id(), acme.scimToken(), "Everyone", users);
        awaitDatabaseEquals(acme);
        String untouched = checksumOfRowsWithout(users.get(0));
        runtime.close();

        runtime = ScimSyncRuntime.start(ConfigReader.from(env), EnumSet.allOf(Stage.class));
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/health/ready").statusCode() == 200);
        idp.scimDeleteUser(acme.id(), acme.scimToken(), users.get(0));
        String late = idp.scimCreateUser(acme.id(), acme.scimToken(), "late@acme.test", "Late", "Joiner", true);
        awaitDatabaseEquals(acme);

        // the new changes sit behind anything the restart re-delivers in the organization's partitions, so once
        // they are in, any re-application has happened: every other row is still the row version (xmin) it was
        // before the restart (deterministic, unlike watching the tables for a while)
        assertThat(checksumOfRowsWithout(users.get(0), late)).isEqualTo(untouched);
    }

    @Test
    void shouldReportDrift_WhenWorkosChangedWithoutEvents() throws Exception {
        env.put("SCIM_SYNC_VERIFY_SETTLE", "PT0.5S");
        runtime = ScimSyncRuntime.start(ConfigReader.from(env), EnumSet.allOf(Stage.class));
        CreatedDirectory acme = directory("Acme");
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            users.add(idp.scimCreateUser(acme.id(), acme.scimToken(), "v" + i + "@acme.test", "V", "N" + i, true));
        }
        for (int g = 0; g < 3; g++) {
            idp.scimCreateGroup(acme.id(), acme.scimToken(), "Team " + g, users.subList(g * 10, g * 10 + 10));
        }
        awaitDatabaseEquals(acme);

        StringWriter inSync = new StringWriter();
        assertThat(verify(inSync, "--org", acme.organizationId(), "--json")).isEqualTo(ExitCodes.OK);
        JsonNode clean = Json.MAPPER.readTree(inSync.toString());
        assertThat(clean.get("in_sync").asBoolean()).isTrue();
        assertThat(clean.at("/members/workos").asLong()).isEqualTo(30);
        assertThat(clean.at("/members/database").asLong()).isEqualTo(30);
        assertThat(clean.at("/memberships/database").asLong()).isEqualTo(30);

        // what a missed deletion and a directory whose events expired look like: no events at all
        DirectorySnapshot before = idp.snapshot(acme.id());
        idp.drop(acme.id(), 3, false);
        idp.seed(acme.id(), 5, 1, 1, false);
        DirectorySnapshot after = idp.snapshot(acme.id());

        StringWriter drifted = new StringWriter();
        assertThat(verify(drifted, "--org", acme.organizationId(), "--json")).isEqualTo(ExitCodes.DRIFT);
        JsonNode report = Json.MAPPER.readTree(drifted.toString());
        assertThat(report.get("in_sync").asBoolean()).isFalse();
        Set<String> beforeUsers = ids(before.users().stream().map(DirectorySnapshot.User::id).toList());
        Set<String> afterUsers = ids(after.users().stream().map(DirectorySnapshot.User::id).toList());
        assertThat(texts(report.at("/members/examples/missing"))).isEqualTo(minus(afterUsers, beforeUsers)).hasSize(5);
        assertThat(texts(report.at("/members/examples/extra"))).isEqualTo(minus(beforeUsers, afterUsers)).hasSize(3);
        assertThat(report.at("/members/changed").asLong()).isZero();
        assertThat(report.at("/groups/missing").asLong()).isEqualTo(1);
        Set<String> beforeMemberships = ids(before.memberships().stream().map(m -> m.groupId() + "/" + m.userId()).toList());
        Set<String> afterMemberships = ids(after.memberships().stream().map(m -> m.groupId() + "/" + m.userId()).toList());
        assertThat(report.at("/memberships/missing").asLong()).isEqualTo(minus(afterMemberships, beforeMemberships).size());
        assertThat(report.at("/memberships/extra").asLong()).isEqualTo(minus(beforeMemberships, afterMemberships).size());
        assertThat(report.at("/memberships/extra").asLong()).isPositive();

        StringWriter table = new StringWriter();
        assertThat(verify(table, "--org", acme.organizationId())).isEqualTo(ExitCodes.DRIFT);
        assertThat(table.toString()).contains("DRIFT").contains("missing members")
                .contains(minus(afterUsers, beforeUsers).iterator().next());

        StringWriter unknown = new StringWriter();
        CommandLine command = ScimSyncCommand.commandLine().setOut(new PrintWriter(unknown))
                .setErr(new PrintWriter(unknown));
        assertThat(command.execute("verify", "--url", runtime.adminServer().url(), "--data-dir", dataDir.toString(),
                "--org", "org_01NOSUCHORGANIZATION")).isEqualTo(ExitCodes.ADMIN_API_UNAVAILABLE);
        assertThat(unknown.toString()).contains("unknown organization org_01NOSUCHORGANIZATION");

        assertThat(get("/metrics").body()).contains("scim_sync_verify_runs_total{result=\"drift\"} 2.0")
                .contains("scim_sync_verify_runs_total{result=\"in_sync\"} 1.0");
    }

    @Test
    void shouldNotReportChangesMadeDuringTheScanAsDrift() throws Exception {
        // one /directory_users page a second: five pages make a scan of about four seconds
        env.put("SCIM_SYNC_SCAN_USER_REQUESTS_PER_SECOND", "1");
        runtime = ScimSyncRuntime.start(ConfigReader.from(env), EnumSet.allOf(Stage.class));
        CreatedDirectory acme = directory("Acme");
        idp.seed(acme.id(), 450, 3, 1, true);
        awaitDatabaseEquals(acme);
        DirectorySnapshot before = idp.snapshot(acme.id());
        // the first user and the groups are read in the scan's first second
        String first = before.users().stream().map(DirectorySnapshot.User::id).sorted().findFirst().orElseThrow();
        String group = before.groups().get(0).id();

        StringWriter out = new StringWriter();
        java.util.concurrent.CompletableFuture<Integer> check = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> verify(out, "--org", acme.organizationId(), "--json"));
        // changes made just after the groups and the first page of users were listed (the scan's first ~100 ms),
        // in the database (about a second later) well before the scan ends
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> latestVerifyPhase(acme.organizationId()).equals("scanning"));
        Thread.sleep(300);
        idp.scimRenameGroup(acme.id(), acme.scimToken(), group, "Renamed during the scan");
        idp.scimReplaceUser(acme.id(), acme.scimToken(), first, "changed@acme.test", "Changed", "During", true);

        assertThat(check.get(2, java.util.concurrent.TimeUnit.MINUTES)).as(out.toString()).isEqualTo(ExitCodes.OK);
        JsonNode report = Json.MAPPER.readTree(out.toString());
        assertThat(report.get("in_sync").asBoolean()).isTrue();
        assertThat(report.get("rechecked").asInt()).as("the two changed during the scan were fetched again")
                .isEqualTo(2);
    }

    @Test
    void shouldResyncToTheDirectory_PreviewFirst_AndHoldAMassRemovalUntilForced() throws Exception {
        runtime = ScimSyncRuntime.start(ConfigReader.from(env), EnumSet.allOf(Stage.class));
        CreatedDirectory acme = directory("Acme");
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            users.add(idp.scimCreateUser(acme.id(), acme.scimToken(), "r" + i + "@acme.test", "R", "N" + i, true));
        }
        for (int g = 0; g < 4; g++) {
            idp.scimCreateGroup(acme.id(), acme.scimToken(), "Team " + g, users.subList(g * 10, g * 10 + 10));
        }
        awaitDatabaseEquals(acme);
        String org = acme.organizationId();

        StringWriter unknown = new StringWriter();
        assertThat(resync(unknown, "--org", "org_01NOSUCHORGANIZATION")).isEqualTo(ExitCodes.ADMIN_API_UNAVAILABLE);
        assertThat(unknown.toString()).contains("unknown organization org_01NOSUCHORGANIZATION");

        // drift WorkOS never told us about: 3 deletions missed, 5 users and a group whose events expired
        idp.drop(acme.id(), 3, false);
        idp.seed(acme.id(), 5, 1, 1, false);

        StringWriter preview = new StringWriter();
        assertThat(resync(preview, "--org", org, "--dry-run")).isEqualTo(ExitCodes.OK);
        assertThat(preview.toString()).contains("previewed").contains("would remove 3 members");
        assertThat(rows("SELECT directory_user_id FROM members WHERE removed_at IS NULL AND organization_id = '" + org
                + "'")).as("a dry run changes nothing: the 3 stay, the 5 are not added").hasSize(40);

        StringWriter done = new StringWriter();
        assertThat(resync(done, "--org", org)).isEqualTo(ExitCodes.OK);
        assertThat(done.toString()).contains("completed").contains("removed 3 members");
        awaitDatabaseEquals(acme);
        assertThat(verify(new StringWriter(), "--org", org)).isEqualTo(ExitCodes.OK);

        // the safeguard: more removals than the organization allows are held until forced
        execute("UPDATE organizations SET max_removal_count = 2 WHERE id = '" + org + "'");
        idp.drop(acme.id(), 4, false);
        StringWriter held = new StringWriter();
        assertThat(resync(held, "--org", org)).isEqualTo(ExitCodes.HELD);
        assertThat(held.toString()).contains("held").contains("4 members");
        assertThat(rows("SELECT directory_user_id FROM members WHERE removed_at IS NULL AND organization_id = '" + org
                + "'")).as("held: nothing removed").hasSize(42);

        assertThat(resync(new StringWriter(), "--org", org, "--force")).isEqualTo(ExitCodes.OK);
        awaitDatabaseEquals(acme);
        assertThat(rows("SELECT string_agg(state || ':' || removed, ',' ORDER BY started_at) FROM sync_runs "
                + "WHERE organization_id = '" + org + "'"))
                .containsExactly(List.of("previewed:3,completed:3,held:4,completed:4"));
        assertThat(rows("SELECT id FROM organizations WHERE id = 'org_01NOSUCHORGANIZATION'"))
                .as("a refused resync creates no organization").isEmpty();
    }

    private String latestVerifyPhase(String organizationId) throws Exception {
        HttpResponse<String> latest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                runtime.adminServer().url() + "/api/organizations/" + organizationId + "/verify"))
                .header("Authorization", "Bearer " + runtime.adminToken().reveal()).build(),
                HttpResponse.BodyHandlers.ofString());
        return latest.statusCode() == 200 ? Json.MAPPER.readTree(latest.body()).path("phase").asText() : "";
    }

    private int resync(StringWriter out, String... args) {
        List<String> all = new ArrayList<>(List.of("resync", "--url", runtime.adminServer().url(), "--data-dir",
                dataDir.toString(), "--timeout", "PT2M"));
        all.addAll(List.of(args));
        return ScimSyncCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
                .execute(all.toArray(String[]::new));
    }

    private void execute(String sql) throws Exception {
        try (Connection c = SharedPostgres.connect(SharedPostgres.jdbcUrl(schema)); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private int verify(StringWriter out, String... args) {
        List<String> all = new ArrayList<>(List.of("verify", "--url", runtime.adminServer().url(), "--data-dir",
                dataDir.toString()));
        all.addAll(List.of(args));
        return ScimSyncCommand.commandLine().setOut(new PrintWriter(out)).execute(all.toArray(String[]::new));
    }

    private static Set<String> ids(List<String> values) {
        return new java.util.TreeSet<>(values);
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> result = new java.util.TreeSet<>(a);
        result.removeAll(b);
        return result;
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> values = new java.util.TreeSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private CreatedDirectory directory(String name) {
        return idp.createDirectory(idp.createOrganization(name), name + " Okta");
    }

    private void awaitDatabaseEquals(CreatedDirectory directory) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> TestPipeline.assertDatabaseEquals(idp, schema, directory));
    }

    private Set<List<String>> rows(String sql) throws Exception {
        return TestPipeline.rows(schema, sql);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(runtime.adminServer().url() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Rows with their row version (xmin), leaving out the given directory users' members and memberships. */
    private String checksumOfRowsWithout(String... directoryUserIds) throws Exception {
        String excluded = "directory_user_id NOT IN ('" + String.join("','", directoryUserIds) + "')";
        StringBuilder all = new StringBuilder();
        try (Connection c = SharedPostgres.connect(SharedPostgres.jdbcUrl(schema)); Statement s = c.createStatement()) {
            for (String query : List.of(
                    "SELECT xmin, * FROM members WHERE " + excluded + " ORDER BY id",
                    "SELECT xmin, * FROM groups ORDER BY directory_group_id",
                    "SELECT xmin, * FROM group_memberships WHERE " + excluded
                            + " ORDER BY directory_group_id, directory_user_id")) {
                try (ResultSet rs = s.executeQuery("SELECT count(*), md5(string_agg(t::text, '|')) FROM (" + query
                        + ") t")) {
                    rs.next();
                    all.append(rs.getLong(1)).append(':').append(rs.getString(2)).append(';');
                }
            }
        }
        return all.toString();
    }
}
