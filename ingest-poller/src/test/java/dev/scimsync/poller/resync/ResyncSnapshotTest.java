package dev.scimsync.poller.resync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.EventSource;
import dev.scimsync.core.event.EventTypes;
import dev.scimsync.core.event.ResyncScope;
import dev.scimsync.core.serde.Json;

/** The items of a snapshot built page by page, for each scope, and the end marker counting them. */
class ResyncSnapshotTest {

    private static final String ORG = "org_01ACME";
    private static final String DIRECTORY = "directory_01";
    private static final Instant SCAN = Instant.parse("2026-12-07T10:00:00Z");
    private static final Instant INGESTED = SCAN.plusSeconds(5);

    @Test
    void shouldBuildEveryItemOfEachPage_AndAnEndMarkerCountingThemAll() {
        ResyncSnapshot snapshot = new ResyncSnapshot("resync_1", request(ResyncScope.BOTH), SCAN);
        List<EventEnvelope> records = new ArrayList<>(snapshot.groups(DIRECTORY, List.of(group("g1"), group("g2")),
                INGESTED));
        records.addAll(snapshot.users(DIRECTORY, List.of(user("u1", "g1", "g2"), user("u2", "g1")), INGESTED));
        records.addAll(snapshot.users(DIRECTORY, List.of(user("u3")), INGESTED));
        records.add(snapshot.end(List.of(DIRECTORY), INGESTED));

        assertThat(records).extracting(EventEnvelope::eventType).containsExactly(
                EventTypes.RESYNC_GROUP, EventTypes.RESYNC_GROUP,
                EventTypes.RESYNC_USER, EventTypes.RESYNC_USER,
                EventTypes.RESYNC_MEMBERSHIP, EventTypes.RESYNC_MEMBERSHIP, EventTypes.RESYNC_MEMBERSHIP,
                EventTypes.RESYNC_USER, EventTypes.RESYNC_END);
        assertThat(records).extracting(EventEnvelope::eventId).containsExactly("resync_1_00000001",
                "resync_1_00000002", "resync_1_00000003", "resync_1_00000004", "resync_1_00000005",
                "resync_1_00000006", "resync_1_00000007", "resync_1_00000008", "resync_1_00000009");
        assertThat(records).allSatisfy(r -> {
            assertThat(r.source()).isEqualTo(EventSource.RESYNC);
            assertThat(r.resyncId()).isEqualTo("resync_1");
            assertThat(r.organizationId()).isEqualTo(ORG);
            assertThat(r.createdAt()).isEqualTo(SCAN);
        });
        assertThat(records.get(2).data().has("groups")).as("a user item carries no groups").isFalse();
        JsonNode membership = records.get(4).data();
        assertThat(membership.at("/user/id").asText()).isEqualTo("u1");
        assertThat(membership.at("/user").has("groups")).isFalse();
        assertThat(membership.at("/group/name").asText()).as("the group as the groups list has it, not the user's "
                + "abridged copy").isEqualTo("Group g1");
        assertThat(membership.path("directory_id").asText()).isEqualTo(DIRECTORY);

        JsonNode end = records.get(records.size() - 1).data();
        assertThat(end.path("users").asInt()).isEqualTo(3);
        assertThat(end.path("groups").asInt()).isEqualTo(2);
        assertThat(end.path("memberships").asInt()).isEqualTo(3);
        assertThat(end.path("directories").get(0).asText()).isEqualTo(DIRECTORY);
        assertThat(snapshot.items()).isEqualTo(records.size() - 1);
    }

    @Test
    void shouldBuildOnlyUserItems_ForAMembersResync() {
        ResyncSnapshot snapshot = new ResyncSnapshot("resync_1", request(ResyncScope.MEMBERS), SCAN);

        assertThat(snapshot.groups(DIRECTORY, List.of(group("g1")), INGESTED)).isEmpty();
        assertThat(snapshot.users(DIRECTORY, List.of(user("u1", "g1"), user("u2")), INGESTED))
                .extracting(EventEnvelope::eventType).containsExactly(EventTypes.RESYNC_USER, EventTypes.RESYNC_USER);
        JsonNode end = snapshot.end(List.of(DIRECTORY), INGESTED).data();
        assertThat(end.path("users").asInt()).isEqualTo(2);
        assertThat(end.path("groups").asInt()).isZero();
        assertThat(end.path("memberships").asInt()).isZero();
    }

    @Test
    void shouldBuildGroupAndMembershipItems_ForAGroupsResync() {
        ResyncSnapshot snapshot = new ResyncSnapshot("resync_1", request(ResyncScope.GROUPS), SCAN);

        assertThat(snapshot.groups(DIRECTORY, List.of(group("g1")), INGESTED)).hasSize(1);
        assertThat(snapshot.users(DIRECTORY, List.of(user("u1", "g1"), user("u2")), INGESTED))
                .extracting(EventEnvelope::eventType).containsExactly(EventTypes.RESYNC_MEMBERSHIP);
        JsonNode end = snapshot.end(List.of(DIRECTORY), INGESTED).data();
        assertThat(end.path("users").asInt()).isZero();
        assertThat(end.path("groups").asInt()).isEqualTo(1);
        assertThat(end.path("memberships").asInt()).isEqualTo(1);
    }

    @Test
    void shouldTakeAMembershipsGroupFromItsOwnDirectorysList() {
        ResyncSnapshot snapshot = new ResyncSnapshot("resync_1", request(ResyncScope.BOTH), SCAN);
        snapshot.groups("directory_a", List.of(group("g1")), INGESTED);
        snapshot.users("directory_a", List.of(user("u1", "g1")), INGESTED);
        snapshot.groups("directory_b", List.of(group("g2")), INGESTED);

        List<EventEnvelope> items = snapshot.users("directory_b", List.of(user("u2", "g2")), INGESTED);

        assertThat(items.get(1).data().at("/group/name").asText()).isEqualTo("Group g2");
    }

    private static ResyncRequest request(ResyncScope scope) {
        return new ResyncRequest(ORG, scope, false, false, 20, 500);
    }

    private static JsonNode group(String id) {
        return Json.MAPPER.createObjectNode().put("object", "directory_group").put("id", id)
                .put("directory_id", DIRECTORY).put("name", "Group " + id);
    }

    /** A user as /directory_users lists it, with an abridged copy of each group. */
    private static JsonNode user(String id, String... groups) {
        ObjectNode user = Json.MAPPER.createObjectNode().put("object", "directory_user").put("id", id)
                .put("directory_id", DIRECTORY).put("state", "active");
        ArrayNode list = user.putArray("groups");
        for (String g : groups) {
            list.addObject().put("id", g);
        }
        return user;
    }
}
