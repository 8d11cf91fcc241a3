package dev.scimsync.emulator.scim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorFixture;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.model.DirectorySnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** SCIM group requests emit exactly the group and membership events WorkOS would. */
class ScimGroupEventsTest {

    private static EmulatorFixture fixture;
    private CreatedDirectory directory;
    private String ada;
    private String bob;
    private String cy;

    @BeforeAll
    static void start() {
        fixture = EmulatorFixture.start(EmulatorOptions.defaults().withRateLimits(false));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @BeforeEach
    void directoryWithThreeUsers() {
        directory = fixture.newDirectory("Groups");
        ada = user("ada");
        bob = user("bob");
        cy = user("cy");
        fixture.skipExistingEvents();
    }

    @Test
    void shouldEmitGroupCreatedThenUserAddedPerMember_WhenIdpCreatesAGroupWithMembers() {
        String groupId = createGroup("Engineers", List.of(ada, bob));

        List<JsonNode> events = fixture.newEvents();

        assertThat(events).extracting(e -> e.get("event").asText())
                .containsExactly("dsync.group.created", "dsync.group.user_added", "dsync.group.user_added");
        JsonNode group = events.get(0).get("data");
        assertThat(group.get("object").asText()).isEqualTo("directory_group");
        assertThat(group.get("id").asText()).isEqualTo(groupId).startsWith("directory_group_");
        assertThat(group.get("name").asText()).isEqualTo("Engineers");
        assertThat(group.get("directory_id").asText()).isEqualTo(directory.id());
        assertThat(group.get("organization_id").asText()).isEqualTo(directory.organizationId());
        JsonNode added = events.get(1).get("data");
        assertThat(added.get("directory_id").asText()).isEqualTo(directory.id());
        assertThat(added.get("group").get("id").asText()).isEqualTo(groupId);
        assertThat(added.get("user").get("object").asText()).isEqualTo("directory_user");
        assertThat(events.subList(1, 3)).extracting(e -> e.get("data").get("user").get("id").asText())
                .containsExactly(ada, bob);
    }

    @Test
    void shouldEmitGroupUpdatedWithPreviousName_WhenIdpRenamesTheGroup() {
        String groupId = createGroup("Engineers", List.of(ada));
        fixture.skipExistingEvents();

        fixture.admin().scimRenameGroup(directory.id(), directory.scimToken(), groupId, "Engineering");

        List<JsonNode> events = fixture.newEvents();
        assertThat(events).extracting(e -> e.get("event").asText()).containsExactly("dsync.group.updated");
        JsonNode group = events.get(0).get("data");
        assertThat(group.get("name").asText()).isEqualTo("Engineering");
        assertThat(group.get("previous_attributes").get("name").asText()).isEqualTo("Engineers");
    }

    @Test
    void shouldEmitUserAddedPerMember_WhenGroupPatchAddsSeveralMembers() {
        String groupId = createGroup("Engineers", List.of(ada));
        fixture.skipExistingEvents();

        fixture.admin().scimPatchGroupMembers(directory.id(), directory.scimToken(), groupId, List.of(ada, bob, cy), List.of());

        List<JsonNode> events = fixture.newEvents();
        assertThat(events).extracting(e -> e.get("event").asText())
                .containsExactly("dsync.group.user_added", "dsync.group.user_added");
        assertThat(events).extracting(e -> e.get("data").get("user").get("id").asText()).containsExactly(bob, cy);
    }

    @Test
    void shouldEmitUserRemovedPerMember_WhenGroupPatchRemovesMembersAndIgnoresNonMembers() {
        String groupId = createGroup("Engineers", List.of(ada, bob));
        fixture.skipExistingEvents();

        fixture.admin().scimPatchGroupMembers(directory.id(), directory.scimToken(), groupId, List.of(), List.of(ada, bob, cy));

        List<JsonNode> events = fixture.newEvents();
        assertThat(events).extracting(e -> e.get("event").asText())
                .containsExactly("dsync.group.user_removed", "dsync.group.user_removed");
        assertThat(events).extracting(e -> e.get("data").get("user").get("id").asText()).containsExactly(ada, bob);
    }

    @Test
    void shouldEmitOneUserRemoved_WhenPatchUsesTheMembersValueFilterPath() {
        String groupId = createGroup("Engineers", List.of(ada, bob));
        fixture.skipExistingEvents();
        JsonNode patch = Json.MAPPER.valueToTree(Map.of(
                "schemas", List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
                "Operations", List.of(Map.of("op", "Remove", "path", "members[value eq \"" + bob + "\"]"))));

        fixture.admin().scim("PATCH", directory.id(), directory.scimToken(), "/Groups/" + groupId, patch);

        List<JsonNode> events = fixture.newEvents();
        assertThat(events).extracting(e -> e.get("event").asText()).containsExactly("dsync.group.user_removed");
        assertThat(events.get(0).get("data").get("user").get("id").asText()).isEqualTo(bob);
    }

    @Test
    void shouldLeaveTheMembersOutOfThePatchAnswer_WhenExcludedAttributesNamesThem() {
        String groupId = createGroup("Engineers", List.of(ada, bob));
        JsonNode patch = Json.MAPPER.valueToTree(Map.of(
                "schemas", List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
                "Operations", List.of(Map.of("op", "Add", "path", "members", "value", List.of(Map.of("value", cy))))));

        JsonNode without = fixture.admin().scim("PATCH", directory.id(), directory.scimToken(),
                "/Groups/" + groupId + "?excludedAttributes=members", patch);
        JsonNode with = fixture.admin().scim("PATCH", directory.id(), directory.scimToken(), "/Groups/" + groupId, patch);

        assertThat(without.has("members")).isFalse();
        assertThat(without.get("id").asText()).isEqualTo(groupId);
        assertThat(with.get("members")).hasSize(3);
    }

    @Test
    void shouldNotChangeTheUsersUpdatedAt_WhenMembershipChanges() {
        DirectorySnapshot before = fixture.admin().snapshot(directory.id());

        String groupId = createGroup("Engineers", List.of(ada, bob, cy));
        fixture.admin().scimPatchGroupMembers(directory.id(), directory.scimToken(), groupId, List.of(), List.of(bob));

        DirectorySnapshot after = fixture.admin().snapshot(directory.id());
        assertThat(after.users()).isEqualTo(before.users());
        assertThat(after.memberships()).extracting(DirectorySnapshot.Membership::userId).containsExactlyInAnyOrder(ada, cy);
    }

    @Test
    void shouldEmitOnlyGroupDeleted_WhenIdpDeletesAGroupWithMembers() {
        String groupId = createGroup("Engineers", List.of(ada, bob));
        fixture.skipExistingEvents();

        fixture.admin().scimDeleteGroup(directory.id(), directory.scimToken(), groupId);

        List<JsonNode> events = fixture.newEvents();
        assertThat(events).extracting(e -> e.get("event").asText()).containsExactly("dsync.group.deleted");
        assertThat(events.get(0).get("data").get("id").asText()).isEqualTo(groupId);
        DirectorySnapshot snapshot = fixture.admin().snapshot(directory.id());
        assertThat(snapshot.groups()).isEmpty();
        assertThat(snapshot.memberships()).isEmpty();
    }

    @Test
    void shouldEmitOnlyDirectoryDeleted_WhenTheDirectoryIsDeleted() {
        createGroup("Engineers", List.of(ada, bob));
        fixture.skipExistingEvents();

        fixture.admin().deleteDirectory(directory.id());

        List<JsonNode> events = fixture.newEvents();
        assertThat(events).extracting(e -> e.get("event").asText()).containsExactly("dsync.deleted");
        JsonNode data = events.get(0).get("data");
        assertThat(data.get("object").asText()).isEqualTo("directory");
        assertThat(data.get("id").asText()).isEqualTo(directory.id());
        assertThat(data.get("organization_id").asText()).isEqualTo(directory.organizationId());
        assertThat(data.get("state").asText()).isEqualTo("deleting");
        assertThat(fixture.get("/directory_users?directory=" + directory.id()).body().get("data")).isEmpty();
    }

    @Test
    void shouldEmitGroupUpdatedThenMembershipEvents_WhenPutReplacesNameAndMembers() {
        String groupId = createGroup("Engineers", List.of(ada, bob));
        fixture.skipExistingEvents();
        JsonNode put = Json.MAPPER.valueToTree(Map.of("displayName", "Platform",
                "members", List.of(Map.of("value", bob), Map.of("value", cy))));

        fixture.admin().scim("PUT", directory.id(), directory.scimToken(), "/Groups/" + groupId, put);

        assertThat(fixture.newEventTypes()).containsExactly("dsync.group.updated", "dsync.group.user_removed",
                "dsync.group.user_added");
    }

    private String createGroup(String name, List<String> members) {
        return fixture.admin().scimCreateGroup(directory.id(), directory.scimToken(), name, members);
    }

    private String user(String name) {
        return fixture.admin().scimCreateUser(directory.id(), directory.scimToken(), name + "@example.com",
                name, "Tester", true);
    }
}
