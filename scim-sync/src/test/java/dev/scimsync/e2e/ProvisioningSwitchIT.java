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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.cli.ExitCodes;
import dev.scimsync.cli.ScimSyncCommand;
import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.core.metrics.MetricNames;
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
 * Switching an organization from manual provisioning to SCIM and back, on a real broker and PostgreSQL, WorkOS
 * emulated over HTTP: 30 manual members (the Primary Owner, three whose emails differ from the IdP's only by case,
 * two no directory user matches, one whose email two directory users share) against a directory of 40 users.
 */
@ExtendWith({SharedKafka.class, SharedPostgres.class})
class ProvisioningSwitchIT {

    private static final String DOMAIN = "acme.test";

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
        Map<String, String> env = new HashMap<>(TestPipeline.environment(prefix, schema, emulator.apiKey(),
                emulator.baseUrl(), dataDir));
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
    void shouldLinkManualMembersByEmail_RemoveTheUnmatchedSafely_AndRemoveNoOneWhenSwitchedBack() throws Exception {
        String org = idp.createOrganization("Acme");
        // the app knows the organization before any directory event
        HttpResponse<String> created = api("PUT", "/api/organizations/" + org, "{\"name\": \"Acme\", "
                + "\"provisioning_mode\": \"manual\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created).path("provisioning_mode").asText()).isEqualTo("manual");
        HttpResponse<String> renamed = api("PUT", "/api/organizations/" + org, "{\"name\": \"Acme Inc\"}");
        assertThat(renamed.statusCode()).isEqualTo(200);
        assertThat(json(renamed).path("name").asText()).isEqualTo("Acme Inc");
        assertThat(api("PUT", "/api/organizations/" + org, "{\"provisioning_mode\": \"scim\"}").statusCode())
                .as("the mode changes through a switch only").isEqualTo(409);

        // 30 manual members, each with a role of its own
        Map<String, Long> memberIds = new LinkedHashMap<>();
        List<String> manualEmails = new ArrayList<>(List.of("owner@" + DOMAIN, "Person01@ACME.test",
                "PERSON02@acme.test", "person03@Acme.Test", "left1@" + DOMAIN, "left2@" + DOMAIN, "shared@" + DOMAIN));
        for (int i = 4; i <= 26; i++) {
            manualEmails.add(person(i));
        }
        assertThat(manualEmails).hasSize(30);
        for (String email : manualEmails) {
            memberIds.put(email, addMember(org, email));
        }
        HttpResponse<String> invalid = api("POST", "/api/organizations/" + org + "/members",
                "{\"email\": \"not an email\", \"first_name\": 5}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid).path("error").asText()).as("every problem listed").isEqualTo("invalid member: "
                + "email must look like name@domain (no spaces); first_name must be text");
        assertThat(api("POST", "/api/organizations/" + org + "/members", "{\"email\": \" PERSON04@acme.test\"}")
                .statusCode()).as("a second manual member with the same email").isEqualTo(409);
        long owner = memberIds.get("owner@" + DOMAIN);
        execute("UPDATE organizations SET primary_owner_member_id = " + owner + " WHERE id = '" + org + "'");
        String manualRows = manualRows(org);

        // the directory: person01..38, and two users sharing one email
        CreatedDirectory directory = idp.createDirectory(org, "Acme Okta");
        for (int i = 1; i <= 38; i++) {
            idp.scimCreateUser(directory.id(), directory.scimToken(), person(i), "Person", "Number" + i, true);
        }
        String sharedA = sharedEmailUser(directory, "shared-a", "shared@" + DOMAIN);
        String sharedB = sharedEmailUser(directory, "shared-b", "SHARED@" + DOMAIN);
        await().atMost(Duration.ofSeconds(60)).until(() -> "40".equals(scalar("SELECT count(*) FROM members WHERE "
                + "organization_id = '" + org + "' AND source = 'directory' AND removed_at IS NULL")));
        awaitSettled(org);
        assertThat(manualRows(org)).as("the pipeline never touches manual members").isEqualTo(manualRows);
        Map<String, String> userIds = new HashMap<>();
        for (DirectorySnapshot.User u : idp.snapshot(directory.id()).users()) {
            userIds.put(u.email().toLowerCase(Locale.ROOT), u.id());
        }

        // the expected plan
        Set<List<String>> linked = new HashSet<>();
        for (String email : manualEmails) {
            String key = email.toLowerCase(Locale.ROOT);
            if (key.startsWith("person")) {
                linked.add(List.of(String.valueOf(memberIds.get(email)), userIds.get(key), key));
            }
        }
        assertThat(linked).hasSize(26);
        Set<String> createdUsers = new HashSet<>();
        for (int i = 27; i <= 38; i++) {
            createdUsers.add(userIds.get(person(i)));
        }
        Set<Long> removed = Set.of(memberIds.get("left1@" + DOMAIN), memberIds.get("left2@" + DOMAIN));
        long shared = memberIds.get("shared@" + DOMAIN);

        // a switch asked wrongly: every problem named, nothing started
        HttpResponse<String> badSwitch = api("PUT", "/api/organizations/" + org + "/provisioning",
                "{\"mode\": 3, \"dry_run\": \"yes\"}");
        assertThat(badSwitch.statusCode()).isEqualTo(400);
        assertThat(json(badSwitch).path("error").asText()).isEqualTo("invalid switch: mode must be text; dry_run must be "
                + "true or false");
        assertThat(api("PUT", "/api/organizations/" + org + "/provisioning", "{\"mode\": \"scom\"}").statusCode())
                .isEqualTo(400);
        assertThat(api("PUT", "/api/organizations/" + org + "/provisioning", "{\"mode\": \"manual\"}").statusCode())
                .as("already manual").isEqualTo(409);
        assertThat(api("GET", "/api/organizations/" + org + "/provisioning", null).statusCode())
                .as("no switch started yet").isEqualTo(404);

        // dry run: exactly the plan, nothing changed
        String before = dump();
        JsonNode preview = switchTo(org, "scim", true, false, "previewed");
        assertThat(linkedOf(preview)).isEqualTo(linked);
        assertThat(idsOf(preview.path("created"), "directory_user_id")).isEqualTo(createdUsers);
        assertThat(idsOf(preview.path("removed"), "member_id")).isEqualTo(Set.of(String.valueOf(
                memberIds.get("left1@" + DOMAIN)), String.valueOf(memberIds.get("left2@" + DOMAIN))));
        assertThat(preview.path("ambiguous")).hasSize(1);
        JsonNode ambiguous = preview.path("ambiguous").get(0);
        assertThat(ambiguous.path("member_ids").toString()).isEqualTo("[" + shared + "]");
        assertThat(idsOf(ambiguous.path("directory_user_ids"), null)).isEqualTo(Set.of(sharedA, sharedB));
        assertThat(idsOf(ambiguous.path("emails"), null)).isEqualTo(Set.of("shared@" + DOMAIN, "SHARED@" + DOMAIN));
        assertThat(idsOf(preview.path("kept"), "reason")).isEqualTo(Set.of("primary_owner", "ambiguous"));
        assertThat(preview.path("counts").toString()).isEqualTo("{\"manual\":30,\"linked\":26,\"created\":12,"
                + "\"removed\":2,\"ambiguous\":1,\"kept\":2}");
        assertThat(dump()).as("a dry run changes nothing").isEqualTo(before);

        // removals beyond the organization's limit: held, nothing changed
        execute("UPDATE organizations SET max_removal_count = 1 WHERE id = '" + org + "'");
        before = dump();
        JsonNode held = switchTo(org, "scim", false, false, "held");
        assertThat(held.path("note").asText()).contains("held: 2 removals of 30 manual members");
        assertThat(dump()).as("a held switch changes nothing").isEqualTo(before);

        // while manual, directory rows are a copy of the directory: they hold no access (the members are the manual ones)
        assertThat(scalar("SELECT count(*) FROM members m JOIN member_access a ON a.member_id = m.id WHERE "
                + "m.organization_id = '" + org + "' AND m.source = 'directory' AND m.removed_at IS NULL "
                + "AND a.seat_tier IS NULL AND a.role_decided_by = 'manual_mode'")).isEqualTo(scalar("SELECT count(*) "
                + "FROM members WHERE organization_id = '" + org + "' AND source = 'directory' AND removed_at IS NULL"));

        // forced, through the CLI
        String createdAt = creationTimes(linked);
        assertThat(cli("provisioning", "--org", org, "--mode", "scim", "--force")).isEqualTo(ExitCodes.OK);
        for (List<String> link : linked) {
            String row = scalar("SELECT source || ' ' || directory_user_id || ' ' || email || ' ' || role || ' ' "
                    + "|| (removed_at IS NULL) FROM members WHERE id = " + link.get(0));
            assertThat(row).as("member %s keeps its id and role", link.get(0)).isEqualTo("directory " + link.get(1)
                    + " " + link.get(2) + " role-" + link.get(2) + " true");
            assertThat(scalar("SELECT count(*) FROM members WHERE directory_user_id = '" + link.get(1) + "'"))
                    .as("the directory row merged into the member").isEqualTo("1");
        }
        assertThat(creationTimes(linked)).as("linked members keep their creation time").isEqualTo(createdAt);
        for (long id : removed) {
            assertThat(scalar("SELECT source || ' ' || (removed_at IS NOT NULL) FROM members WHERE id = " + id))
                    .isEqualTo("manual true");
        }
        assertThat(scalar("SELECT source || ' ' || (removed_at IS NULL) FROM members WHERE id = " + owner))
                .as("the Primary Owner stays").isEqualTo("manual true");
        assertThat(scalar("SELECT primary_owner_member_id FROM organizations WHERE id = '" + org + "'"))
                .isEqualTo(String.valueOf(owner));
        assertThat(scalar("SELECT source || ' ' || (removed_at IS NULL) FROM members WHERE id = " + shared))
                .as("the ambiguous member is kept").isEqualTo("manual true");
        assertThat(scalar("SELECT count(*) FROM members WHERE organization_id = '" + org + "' AND removed_at IS NULL"))
                .as("40 directory members, the Primary Owner and the ambiguous member").isEqualTo("42");
        assertThat(scalar("SELECT members FROM sync_status WHERE organization_id = '" + org + "'")).isEqualTo("40");
        assertThat(scalar("SELECT provisioning_mode || ' ' || (provisioning_mode_since IS NOT NULL) FROM organizations "
                + "WHERE id = '" + org + "'")).isEqualTo("scim true");
        // access follows the switch in its transaction: linked members keep their own role, everyone holds a seat
        assertThat(scalar("SELECT count(*) FROM members m LEFT JOIN member_access a ON a.member_id = m.id WHERE "
                + "m.organization_id = '" + org + "' AND m.removed_at IS NULL AND (a.role IS NULL OR a.seat_tier IS NULL)"))
                .as("present members without a role or a seat").isEqualTo("0");
        List<String> aLink = linked.iterator().next();
        assertThat(scalar("SELECT role || ' ' || role_decided_by FROM member_access WHERE member_id = " + aLink.get(0)))
                .isEqualTo("role-" + aLink.get(2) + " own_role");
        assertThat(scalar("SELECT role || ' ' || role_decided_by FROM member_access WHERE member_id = " + owner))
                .isEqualTo("owner primary_owner");
        for (long id : removed) {
            assertThat(scalar("SELECT role_decided_by FROM member_access WHERE member_id = " + id)).isEqualTo("removed");
        }
        assertThat(scalar("SELECT string_agg(state || ' ' || dry_run || ' ' || linked || ' ' || created || ' ' || removed "
                + "|| ' ' || ambiguous, ', ' ORDER BY started_at) FROM sync_runs WHERE kind = 'provisioning'"))
                .isEqualTo("previewed true 26 12 2 1, held false 26 12 2 1, applied false 26 12 2 1");
        JsonNode status = json(api("GET", "/api/organizations/" + org, null));
        assertThat(status.path("provisioning").path("mode").asText()).isEqualTo("scim");
        assertThat(status.path("provisioning").path("last_switch").path("state").asText()).isEqualTo("applied");
        assertThat(runtime.registry().get(MetricNames.PROVISIONING_SWITCHES).tags(MetricNames.TAG_MODE, "scim",
                MetricNames.TAG_RESULT, "held").counter().count()).isEqualTo(1.0);
        assertThat(runtime.registry().get(MetricNames.PROVISIONING_MEMBERS).tags(MetricNames.TAG_OPERATION, "linked")
                .counter().count()).isEqualTo(26.0);

        // in scim mode members come from the IdP only
        HttpResponse<String> refused = api("POST", "/api/organizations/" + org + "/members",
                "{\"email\": \"late@acme.test\"}");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(json(refused).path("error").asText()).contains("scim mode");
        String linkedMember = String.valueOf(memberIds.get(person(5)));
        assertThat(api("DELETE", "/api/organizations/" + org + "/members/" + linkedMember, null).statusCode())
                .as("a directory member is removed in the IdP").isEqualTo(409);
        assertThat(api("DELETE", "/api/organizations/" + org + "/members/" + owner, null).statusCode())
                .as("the Primary Owner").isEqualTo(409);

        // later directory events update the linked member
        idp.scimReplaceUser(directory.id(), directory.scimToken(), userIds.get(person(5)), person(5), "Renamed",
                "Number5", true);
        await().atMost(Duration.ofSeconds(30)).until(() -> "Renamed 1".equals(scalar("SELECT first_name || ' ' || "
                + "(SELECT count(*) FROM members WHERE directory_user_id = '" + userIds.get(person(5)) + "') "
                + "FROM members WHERE id = " + linkedMember)));

        // back to manual: no one removed, and the IdP removes no one any more
        String present = scalar("SELECT string_agg(id::text, ',' ORDER BY id) FROM members WHERE organization_id = '"
                + org + "' AND removed_at IS NULL");
        assertThat(cli("provisioning", "--org", org, "--mode", "manual")).isEqualTo(ExitCodes.OK);
        assertThat(scalar("SELECT string_agg(id::text, ',' ORDER BY id) FROM members WHERE organization_id = '" + org
                + "' AND removed_at IS NULL")).isEqualTo(present);
        assertThat(scalar("SELECT count(*) FROM members WHERE organization_id = '" + org + "' AND source = 'directory'"))
                .as("every directory member is a manual member now").isEqualTo("0");
        assertThat(scalar("SELECT role FROM members WHERE id = " + linkedMember)).isEqualTo("role-" + person(5));
        idp.scimDeleteUser(directory.id(), directory.scimToken(), userIds.get(person(6)));
        awaitSettled(org);
        assertThat(scalar("SELECT source || ' ' || (removed_at IS NULL) FROM members WHERE id = "
                + memberIds.get(person(6)))).as("deleted in the IdP, still a member in manual mode")
                .isEqualTo("manual true");
        assertThat(api("POST", "/api/organizations/" + org + "/members", "{\"email\": \"late@acme.test\"}")
                .statusCode()).isEqualTo(201);
    }

    @Test
    void shouldWriteTheScannedUsers_WhenThePipelineHasNoRowOfThem() throws Exception {
        String org = idp.createOrganization("Initech");
        assertThat(api("PUT", "/api/organizations/" + org, "{\"name\": \"Initech\"}").statusCode()).isEqualTo(201);
        CreatedDirectory directory = idp.createDirectory(org, "Initech Entra");
        idp.seed(directory.id(), 5, 0, 0, false); // users WorkOS lists, but no event of them: the pipeline has no row
        List<DirectorySnapshot.User> users = idp.snapshot(directory.id()).users();
        long first = addMember(org, users.get(0).email().toUpperCase(Locale.ROOT));
        long second = addMember(org, " " + users.get(1).email());
        long gone = addMember(org, "gone@initech.test");
        assertThat(cli("member", "add", "--org", org, "--email", "deleted@initech.test", "--role", "viewer"))
                .isEqualTo(ExitCodes.OK);
        long deleted = Long.parseLong(scalar("SELECT id FROM members WHERE email = 'deleted@initech.test'"));
        assertThat(scalar("SELECT source || ' ' || role FROM members WHERE id = " + deleted)).isEqualTo("manual viewer");
        assertThat(cli("member", "remove", "--org", org, "--id", String.valueOf(deleted))).isEqualTo(ExitCodes.OK);
        assertThat(api("DELETE", "/api/organizations/" + org + "/members/" + deleted, null).statusCode())
                .as("already removed").isEqualTo(404);
        assertThat(scalar("SELECT removed_at IS NOT NULL FROM members WHERE id = " + deleted)).isEqualTo("t");

        // 1 removal of 3 manual members is over the default 20 %: forced
        JsonNode applied = switchTo(org, "scim", false, true, "applied");
        assertThat(applied.path("counts").toString()).isEqualTo("{\"manual\":3,\"linked\":2,\"created\":3,"
                + "\"removed\":1,\"ambiguous\":0,\"kept\":0}");
        assertThat(scalar("SELECT removed_at IS NOT NULL FROM members WHERE id = " + gone)).isEqualTo("t");
        // the scanned users, written as a resync's snapshot would (its items' version: updated_at, event id "")
        Set<List<String>> expected = new HashSet<>();
        users.forEach(u -> expected.add(List.of(u.id(), u.email(), u.firstName(), u.lastName(), u.state(), "")));
        assertThat(rows("SELECT directory_user_id, email, first_name, last_name, state, version_event_id FROM members "
                + "WHERE organization_id = '" + org + "' AND source = 'directory' AND removed_at IS NULL"))
                .isEqualTo(expected);
        assertThat(scalar("SELECT members FROM sync_status WHERE organization_id = '" + org + "'")).isEqualTo("5");
        for (int i = 0; i < 2; i++) {
            DirectorySnapshot.User user = users.get(i);
            assertThat(scalar("SELECT id || ' ' || directory_user_id || ' ' || email || ' ' || last_name || ' ' || role "
                    + "FROM members WHERE directory_user_id = '" + user.id() + "'")).isEqualTo((i == 0 ? first : second)
                    + " " + user.id() + " " + user.email() + " " + user.lastName() + " role-"
                    + (i == 0 ? user.email().toUpperCase(Locale.ROOT) : user.email()).toLowerCase(Locale.ROOT));
        }
        // a later change of a user the pipeline had never seen lands on the linked row
        idp.scimReplaceUser(directory.id(), directory.scimToken(), users.get(0).id(), users.get(0).email(), "Later",
                users.get(0).lastName(), true);
        await().atMost(Duration.ofSeconds(30)).until(() -> "Later".equals(scalar("SELECT first_name FROM members "
                + "WHERE id = " + first)));
        assertThat(scalar("SELECT count(*) FROM members WHERE organization_id = '" + org + "' AND removed_at IS NULL"))
                .isEqualTo("5");
    }

    // --- helpers

    private static String person(int i) {
        return String.format(Locale.ROOT, "person%02d@%s", i, DOMAIN);
    }

    private long addMember(String org, String email) throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode().put("email", email).put("first_name", "Manual")
                .put("last_name", "Member").put("role", "role-" + email.strip().toLowerCase(Locale.ROOT));
        HttpResponse<String> response = api("POST", "/api/organizations/" + org + "/members", body.toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response).path("id").asLong();
    }

    /** A user created over SCIM whose email is not its userName: two of them can share one. */
    private String sharedEmailUser(CreatedDirectory directory, String userName, String email) {
        ObjectNode user = Json.MAPPER.createObjectNode();
        user.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:User");
        user.put("userName", userName);
        user.putObject("name").put("givenName", "Shared").put("familyName", userName);
        user.putArray("emails").addObject().put("value", email).put("type", "work").put("primary", true);
        user.put("active", true);
        return idp.scim("POST", directory.id(), directory.scimToken(), "/Users", user).get("id").asText();
    }

    /** Waits until the organization's last event in WorkOS is applied to the database. */
    private void awaitSettled(String org) {
        String lastEvent = emulator.events().all().stream().filter(e -> org.equals(e.organizationId()))
                .reduce((a, b) -> b).orElseThrow().id();
        await().atMost(Duration.ofSeconds(60)).until(() -> lastEvent.equals(
                scalar("SELECT last_event_id FROM sync_status WHERE organization_id = '" + org + "'")));
    }

    private JsonNode switchTo(String org, String mode, boolean dryRun, boolean force, String expectedState)
            throws Exception {
        HttpResponse<String> started = api("PUT", "/api/organizations/" + org + "/provisioning", Json.MAPPER
                .createObjectNode().put("mode", mode).put("dry_run", dryRun).put("force", force).toString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            last[0] = json(api("GET", "/api/organizations/" + org + "/provisioning", null));
            return !last[0].path("state").asText().equals("running");
        });
        assertThat(last[0].path("state").asText()).as(last[0].toString()).isEqualTo(expectedState);
        return last[0];
    }

    private static Set<List<String>> linkedOf(JsonNode answer) {
        Set<List<String>> linked = new HashSet<>();
        answer.path("linked").forEach(l -> linked.add(List.of(l.path("member_id").asText(),
                l.path("directory_user_id").asText(), l.path("email").asText())));
        return linked;
    }

    private static Set<String> idsOf(JsonNode items, String field) {
        Set<String> ids = new HashSet<>();
        items.forEach(i -> ids.add(field == null ? i.asText() : i.path(field).asText()));
        return ids;
    }

    private String creationTimes(Set<List<String>> linked) throws Exception {
        return scalar("SELECT string_agg(id || ' ' || created_at, ',' ORDER BY id) FROM members WHERE id IN ("
                + String.join(",", linked.stream().map(l -> l.get(0)).toList()) + ")");
    }

    private String manualRows(String org) throws Exception {
        return scalar("SELECT string_agg(t::text, E'\\n' ORDER BY t.id) FROM (SELECT id, email, first_name, last_name, "
                + "role, created_at, updated_at, removed_at FROM members WHERE organization_id = '" + org
                + "' AND source = 'manual') t");
    }

    /** The tables a switch may change, as text: members, organizations, counts. */
    private String dump() throws Exception {
        StringBuilder all = new StringBuilder();
        for (String query : List.of("SELECT * FROM organizations ORDER BY id", "SELECT * FROM members ORDER BY id",
                "SELECT organization_id, members, groups, memberships FROM sync_status ORDER BY organization_id")) {
            all.append(scalar("SELECT string_agg(t::text, E'\\n') FROM (" + query + ") t")).append("\n--\n");
        }
        return all.toString();
    }

    private int cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", runtime.adminServer().url(), "--data-dir", dataDir.toString()));
        CommandLine command = ScimSyncCommand.commandLine().setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(new StringWriter()));
        return command.execute(all.toArray(String[]::new));
    }

    private Set<List<String>> rows(String sql) throws Exception {
        return TestPipeline.rows(schema, sql);
    }

    private HttpResponse<String> api(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(runtime.adminServer().url() + path))
                .header("Authorization", "Bearer " + runtime.adminToken().reveal())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    private void execute(String sql) throws Exception {
        try (Connection c = SharedPostgres.connect(SharedPostgres.jdbcUrl(schema)); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private String scalar(String sql) throws Exception {
        try (Connection c = SharedPostgres.connect(SharedPostgres.jdbcUrl(schema)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
