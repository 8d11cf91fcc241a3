package dev.scimsync.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.serde.Json;
import dev.scimsync.poller.directory.OrganizationScan;
import dev.scimsync.writer.query.DirectoryRows;
import dev.scimsync.writer.query.DirectoryRows.GroupRow;
import dev.scimsync.writer.query.DirectoryRows.MemberRow;
import dev.scimsync.writer.query.DirectoryRows.MembershipRow;

class DriftCheckTest {

    private static final Instant NOW = Instant.parse("2026-11-29T06:00:00Z");

    @Test
    void shouldBeInSync_WhenEveryFieldTheSyncWritesIsEqual() {
        OrganizationScan scan = scan(List.of(user("u1", "one@example.com", "active", "g1"), user("u2", null, "inactive")),
                List.of(group("g1", "Engineering")));
        DirectoryRows rows = new DirectoryRows(
                List.of(member("u1", "one@example.com", "active"), member("u2", null, "inactive")),
                List.of(new GroupRow("g1", "directory_1", "Engineering")), List.of(new MembershipRow("g1", "u1")));

        DriftReport report = DriftCheck.compare(scan, rows, NOW, 20);

        assertThat(report.inSync()).isTrue();
        assertThat(report.members().workos()).isEqualTo(2);
        assertThat(report.members().database()).isEqualTo(2);
        assertThat(report.memberships().workos()).isEqualTo(1);
        assertThat(report.toJson()).containsEntry("in_sync", true).containsEntry("organization_id", "org_1");
    }

    @Test
    void shouldNameMissingExtraAndChangedEntities_ByFieldNameOnly() {
        OrganizationScan scan = scan(List.of(user("u1", "new@example.com", "active", "g1"),
                user("u3", "three@example.com", "active", "g2")), List.of(group("g1", "Platform"), group("g2", "New")));
        DirectoryRows rows = new DirectoryRows(
                List.of(member("u1", "old@example.com", "inactive"), member("u2", "two@example.com", "active")),
                List.of(new GroupRow("g1", "directory_1", "Engineering"), new GroupRow("g9", "directory_1", "Gone")),
                List.of(new MembershipRow("g1", "u1"), new MembershipRow("g9", "u2")));

        DriftReport report = DriftCheck.compare(scan, rows, NOW, 20);

        assertThat(report.inSync()).isFalse();
        assertThat(report.members().missingExamples()).containsExactly("u3");
        assertThat(report.members().extraExamples()).containsExactly("u2");
        assertThat(report.members().changedExamples()).containsExactly(
                new EntityDrift.Change("u1", List.of("email", "state")));
        assertThat(report.groups().changedExamples()).containsExactly(new EntityDrift.Change("g1", List.of("name")));
        assertThat(report.groups().missingExamples()).containsExactly("g2");
        assertThat(report.groups().extraExamples()).containsExactly("g9");
        assertThat(report.memberships().missingExamples()).containsExactly("g2/u3");
        assertThat(report.memberships().extraExamples()).containsExactly("g9/u2");
        // values (emails, names) never appear in a report, only ids and field names
        assertThat(Json.MAPPER.valueToTree(report.toJson()).toString()).doesNotContain("example.com", "Platform");
    }

    @Test
    void shouldCountEverythingButNameOnlyTheFirstExamplesInIdOrder() {
        List<JsonNode> users = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            users.add(user(String.format("u%02d", 49 - i), "x@example.com", "active"));
        }

        DriftReport report = DriftCheck.compare(scan(users, List.of()), new DirectoryRows(List.of(), List.of(), List.of()),
                NOW, 3);

        assertThat(report.members().missing()).isEqualTo(50);
        assertThat(report.members().missingExamples()).containsExactly("u00", "u01", "u02");
    }

    private static OrganizationScan scan(List<JsonNode> users, List<JsonNode> groups) {
        return new OrganizationScan("org_1", List.of("directory_1"), users, groups, 3, Duration.ofMillis(800));
    }

    private static ObjectNode user(String id, String email, String state, String... groupIds) {
        ObjectNode user = Json.MAPPER.createObjectNode().put("id", id).put("directory_id", "directory_1")
                .put("organization_id", "org_1").put("first_name", "First").put("last_name", "Last").put("state", state);
        if (email == null) {
            user.putNull("email");
        } else {
            user.put("email", email);
        }
        ArrayNode groups = user.putArray("groups");
        for (String groupId : groupIds) {
            groups.add(Json.MAPPER.createObjectNode().put("id", groupId));
        }
        return user;
    }

    private static ObjectNode group(String id, String name) {
        return Json.MAPPER.createObjectNode().put("id", id).put("directory_id", "directory_1").put("name", name);
    }

    private static MemberRow member(String id, String email, String state) {
        return new MemberRow(id, "directory_1", email, "First", "Last", state);
    }
}
