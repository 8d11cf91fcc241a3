package dev.scimsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

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
import dev.scimsync.runtime.ScimSyncRuntime;
import dev.scimsync.runtime.Stage;
import dev.scimsync.testkit.SharedKafka;
import dev.scimsync.testkit.SharedPostgres;
import picocli.CommandLine;

/**
 * Group mappings through the admin API and the CLI on the whole pipeline (real broker, PostgreSQL, emulator over
 * HTTP): a group sync previewed then applied, access following IdP changes within seconds, its history, status
 * seats and the seats metric, validation answers.
 */
@ExtendWith({SharedKafka.class, SharedPostgres.class})
class GroupMappingsIT {

    @TempDir
    Path dataDir;

    private WorkosEmulator emulator;
    private EmulatorAdminClient idp;
    private String schema;
    private ScimSyncRuntime runtime;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp(TestInfo test) {
        emulator = WorkosEmulator.start(EmulatorOptions.defaults());
        idp = new EmulatorAdminClient(emulator.baseUrl());
        String prefix = SharedKafka.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        schema = SharedPostgres.newSchema();
        runtime = ScimSyncRuntime.start(ConfigReader.from(TestPipeline.environment(prefix, schema, emulator.apiKey(),
                emulator.baseUrl(), dataDir)), EnumSet.allOf(Stage.class));
    }

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            runtime.close();
        }
        emulator.close();
    }

    @Test
    void shouldDecideAccessFromMappedGroups_AndFollowTheIdpWithinSeconds() throws Exception {
        CreatedDirectory acme = idp.createDirectory(idp.createOrganization("Acme"), "Acme Okta");
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            users.add(idp.scimCreateUser(acme.id(), acme.scimToken(), "user" + i + "@acme.test", "User", "N" + i, true));
        }
        String admins = idp.scimCreateGroup(acme.id(), acme.scimToken(), "Admins", users.subList(0, 2));
        String analysts = idp.scimCreateGroup(acme.id(), acme.scimToken(), "Analysts", users.subList(1, 6));
        idp.scimCreateGroup(acme.id(), acme.scimToken(), "Everyone", users);
        String org = acme.organizationId();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> TestPipeline.assertDatabaseEquals(idp, schema, acme));

        // every problem at once
        HttpResponse<String> invalid = put("/api/organizations/" + org + "/group-mappings", """
                {"advanced_group_mappings": true, "mappings": [
                  {"directory_group_id": "directory_group_nope", "role": "boss", "seat_tier": "premium", "priority": 1},
                  {"directory_group_id": "%s", "role": "admin", "seat_tier": "premium", "priority": 1,
                   "spend_limit": {"amount": -5, "currency": "USD"}}]}""".formatted(admins));
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(invalid.body()).path("problems")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
                "default is required ({\"role\": …, \"seat_tier\": …})",
                "mapping of directory_group_nope: unknown group (not a present group of the organization)",
                "mapping of directory_group_nope: unknown role 'boss'",
                "mapping of " + admins + ": duplicate priority 1",
                "mapping of " + admins + ": negative spend limit -5");

        Path file = dataDir.resolve("mappings.json");
        Files.writeString(file, """
                {"advanced_group_mappings": true, "default": {"role": "member", "seat_tier": "standard"},
                 "roles": [{"name": "analyst", "capabilities": ["reports.view", "exports.create"]}],
                 "mappings": [
                  {"directory_group_id": "%s", "role": "admin", "seat_tier": "enterprise", "priority": 20},
                  {"directory_group_id": "%s", "role": "analyst", "seat_tier": "premium",
                   "spend_limit": {"amount": 50000, "currency": "USD"}, "priority": 10}]}""".formatted(admins, analysts));
        StringWriter preview = new StringWriter();
        assertThat(cli(preview, "mappings", "set", "--org", org, "--file", file.toString(), "--dry-run"))
                .isEqualTo(ExitCodes.OK);
        assertThat(preview.toString()).startsWith("previewed").contains("enterprise", "premium");
        assertThat(scalar("SELECT count(*) FROM member_access WHERE role <> 'member'")).as("a dry run changes nothing")
                .isEqualTo("0");

        StringWriter applied = new StringWriter();
        assertThat(cli(applied, "mappings", "set", "--org", org, "--file", file.toString())).isEqualTo(ExitCodes.OK);
        assertThat(applied.toString()).startsWith("applied");
        // back to the defaults would downgrade 6 of 12 members, over the default 20 %: held, exit 6, nothing changed
        Path off = dataDir.resolve("off.json");
        Files.writeString(off, """
                {"advanced_group_mappings": false, "default": {"role": "member", "seat_tier": "standard"}}""");
        String before = scalar("SELECT string_agg(a.member_id || ':' || a.role || ':' || a.seat_tier, ',' "
                + "ORDER BY a.member_id) FROM member_access a");
        StringWriter held = new StringWriter();
        assertThat(cli(held, "mappings", "set", "--org", org, "--file", off.toString())).isEqualTo(ExitCodes.HELD);
        assertThat(held.toString()).startsWith("held").contains("6 member(s) would be downgraded");
        assertThat(scalar("SELECT string_agg(a.member_id || ':' || a.role || ':' || a.seat_tier, ',' "
                + "ORDER BY a.member_id) FROM member_access a")).isEqualTo(before);
        assertThat(get("/api/organizations/" + org + "/group-mappings").path("advanced_group_mappings").asBoolean())
                .isTrue();

        JsonNode adminsNow = get("/api/organizations/" + org + "/members?role=admin");
        assertThat(adminsNow.path("members")).extracting(m -> m.path("directory_user_id").asText())
                .containsExactlyInAnyOrderElementsOf(users.subList(0, 2));
        JsonNode second = adminsNow.path("members").get(0).path("access");
        assertThat(second.path("decided_by").path("role").asText()).isEqualTo(admins);
        assertThat(get("/api/organizations/" + org + "/members?seat_tier=premium").path("total").asLong()).isEqualTo(4);
        assertThat(get("/api/organizations/" + org + "/status").path("seats"))
                .isEqualTo(Json.MAPPER.readTree("{\"enterprise\": 2, \"premium\": 4, \"standard\": 6}"));

        // the IdP moves user 7 into Admins: admin within seconds, the WorkOS event named as the cause
        idp.scimPatchGroupMembers(acme.id(), acme.scimToken(), admins, List.of(users.get(7)), List.of());
        long member7 = Long.parseLong(scalar("SELECT id FROM members WHERE directory_user_id = '" + users.get(7) + "'"));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                "admin".equals(get("/api/organizations/" + org + "/members/" + member7 + "/access")
                        .path("access").path("role").asText()));
        JsonNode history = get("/api/organizations/" + org + "/members/" + member7 + "/access").path("history");
        assertThat(history.get(0).path("cause").path("kind").asText()).isEqualTo("event");
        assertThat(history.get(0).path("cause").path("id").asText()).startsWith("event_");
        assertThat(history.get(0).path("old").path("role").asText()).isEqualTo("member");
        assertThat(history).as("created with the defaults (the group sync changed nothing of user 7), then admin")
                .hasSize(2);
        assertThat(history.get(1).path("old").isMissingNode() || history.get(1).path("old").isNull()).isTrue();

        // deactivated (the emulator, like WorkOS, deletes a deactivated user): no role, no seat; members by CLI
        idp.scimPatchUserActive(acme.id(), acme.scimToken(), users.get(0), false);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> "1".equals(scalar(
                "SELECT count(*) FROM member_access a JOIN members m ON m.id = a.member_id WHERE m.directory_user_id = '"
                        + users.get(0) + "' AND a.role IS NULL AND a.seat_tier IS NULL AND a.seat_tier_decided_by IN ('inactive', 'removed')")));
        StringWriter listing = new StringWriter();
        assertThat(cli(listing, "members", "--org", org, "--role", "admin")).isEqualTo(ExitCodes.OK);
        assertThat(listing.toString()).contains(users.get(1), users.get(7)).doesNotContain(users.get(0))
                .contains("2 member(s)");
        // seats followed the IdP: user 7 standard → enterprise, user 0 enterprise → none (read every 15 s)
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics().contains("scim_sync_seats{organization=\"" + org
                + "\",tier=\"standard\"} 5.0"));
        assertThat(metrics()).contains("scim_sync_seats{organization=\"" + org + "\",tier=\"enterprise\"} 2.0",
                "scim_sync_seats{organization=\"" + org + "\",tier=\"premium\"} 4.0");
        // a misspelt field is refused, not dropped
        HttpResponse<String> misspelt = put("/api/organizations/" + org + "/group-mappings", """
                {"advanced_group_mappings": true, "default": {"role": "member", "seat_tier": "standard"},
                 "mappings": [{"directory_group_id": "%s", "role": "admin", "seat_tier": "premium", "priority": 1,
                   "spend_limits": {"amount": 5, "currency": "USD"}}]}""".formatted(admins));
        assertThat(misspelt.statusCode()).as(misspelt.body()).isEqualTo(400);
        assertThat(misspelt.body()).contains("spend_limits");
    }

    private int cli(StringWriter out, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", runtime.adminServer().url(), "--data-dir", dataDir.toString()));
        return ScimSyncCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(out, true))
                .execute(all.toArray(String[]::new));
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> answer = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
        return Json.MAPPER.readTree(answer.body());
    }

    private HttpResponse<String> put(String path, String body) throws Exception {
        return http.send(request(path).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String metrics() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(runtime.adminServer().url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(runtime.adminServer().url() + path))
                .header("Authorization", "Bearer " + runtime.adminToken().reveal())
                .header("Content-Type", "application/json");
    }

    private String scalar(String sql) throws Exception {
        try (Connection c = SharedPostgres.connect(SharedPostgres.jdbcUrl(schema)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
