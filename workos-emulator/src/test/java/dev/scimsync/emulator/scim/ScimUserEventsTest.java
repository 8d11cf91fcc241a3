package dev.scimsync.emulator.scim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorClientException;
import dev.scimsync.emulator.EmulatorFixture;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SCIM user requests emit exactly the events WorkOS would. */
class ScimUserEventsTest {

    private static EmulatorFixture fixture;
    private CreatedDirectory directory;

    @BeforeAll
    static void start() {
        fixture = EmulatorFixture.start(EmulatorOptions.defaults().withRateLimits(false));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @BeforeEach
    void newDirectory() {
        directory = fixture.newDirectory("Users");
        fixture.skipExistingEvents();
    }

    @Test
    void shouldEmitUserCreatedWithTheDirectoryUser_WhenIdpCreatesAUser() {
        String id = createAda();

        List<JsonNode> events = fixture.newEvents();

        assertThat(events).extracting(e -> e.get("event").asText()).containsExactly("dsync.user.created");
        JsonNode event = events.get(0);
        assertThat(event.get("object").asText()).isEqualTo("event");
        assertThat(event.get("id").asText()).startsWith("event_");
        JsonNode user = event.get("data");
        assertThat(user.get("object").asText()).isEqualTo("directory_user");
        assertThat(user.get("id").asText()).isEqualTo(id).startsWith("directory_user_");
        assertThat(user.get("directory_id").asText()).isEqualTo(directory.id());
        assertThat(user.get("organization_id").asText()).isEqualTo(directory.organizationId());
        assertThat(user.get("email").asText()).isEqualTo("ada@example.com");
        assertThat(user.get("username").asText()).isEqualTo("ada@example.com");
        assertThat(user.get("first_name").asText()).isEqualTo("Ada");
        assertThat(user.get("last_name").asText()).isEqualTo("Lovelace");
        assertThat(user.get("state").asText()).isEqualTo("active");
        assertThat(user.get("emails").get(0).get("primary").asBoolean()).isTrue();
        assertThat(user.get("created_at").asText()).isEqualTo(user.get("updated_at").asText());
        assertThat(user.has("previous_attributes")).isFalse();
    }

    @Test
    void shouldEmitUserUpdatedWithOnlyChangedPreviousAttributes_WhenIdpReplacesTheLastName() {
        String id = createAda();
        fixture.skipExistingEvents();

        fixture.admin().scimReplaceUser(directory.id(), directory.scimToken(), id, "ada@example.com", "Ada", "King", true);

        List<JsonNode> events = fixture.newEvents();
        assertThat(events).extracting(e -> e.get("event").asText()).containsExactly("dsync.user.updated");
        JsonNode user = events.get(0).get("data");
        assertThat(user.get("last_name").asText()).isEqualTo("King");
        JsonNode previous = user.get("previous_attributes");
        assertThat(previous.get("last_name").asText()).isEqualTo("Lovelace");
        assertThat(previous.has("first_name")).isFalse();
        assertThat(previous.has("updated_at")).isFalse();
        assertThat(previous.get("raw_attributes").get("name").get("familyName").asText()).isEqualTo("Lovelace");
        assertThat(Instant.parse(user.get("updated_at").asText())).isAfter(Instant.parse(user.get("created_at").asText()));
    }

    @Test
    void shouldEmitUserUpdated_WhenPatchReplacesNameWithoutPath() {
        String id = createAda();
        fixture.skipExistingEvents();
        JsonNode patch = Json.MAPPER.valueToTree(java.util.Map.of(
                "schemas", List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
                "Operations", List.of(java.util.Map.of("op", "Replace", "value",
                        java.util.Map.of("name.givenName", "Augusta", "emails[type eq \"work\"].value", "augusta@example.com")))));

        fixture.admin().scim("PATCH", directory.id(), directory.scimToken(), "/Users/" + id, patch);

        List<JsonNode> events = fixture.newEvents();
        assertThat(events).extracting(e -> e.get("event").asText()).containsExactly("dsync.user.updated");
        JsonNode user = events.get(0).get("data");
        assertThat(user.get("first_name").asText()).isEqualTo("Augusta");
        assertThat(user.get("email").asText()).isEqualTo("augusta@example.com");
        assertThat(user.get("previous_attributes").get("first_name").asText()).isEqualTo("Ada");
        assertThat(user.get("previous_attributes").get("email").asText()).isEqualTo("ada@example.com");
    }

    @Test
    void shouldEmitNothing_WhenAPatchChangesNothing() {
        String id = createAda();
        fixture.skipExistingEvents();

        fixture.admin().scimPatchUserActive(directory.id(), directory.scimToken(), id, true);

        assertThat(fixture.newEvents()).isEmpty();
    }

    @Test
    void shouldEmitUserDeletedAndForgetTheUser_WhenIdpDeactivatesByDefault() {
        String id = createAda();
        fixture.skipExistingEvents();

        fixture.admin().scimPatchUserActive(directory.id(), directory.scimToken(), id, false);

        List<JsonNode> events = fixture.newEvents();
        assertThat(events).extracting(e -> e.get("event").asText()).containsExactly("dsync.user.deleted");
        assertThat(events.get(0).get("data").get("id").asText()).isEqualTo(id);
        assertThat(events.get(0).get("data").get("state").asText()).isEqualTo("inactive");
        assertThat(fixture.admin().snapshot(directory.id()).users()).isEmpty();
        assertThat(fixture.get("/directory_users/" + id).status()).isEqualTo(404);
    }

    @Test
    void shouldEmitUserUpdatedWithStateInactive_WhenDeactivationKeepsUsers() {
        try (EmulatorFixture keeping = EmulatorFixture.start(EmulatorOptions.defaults().withDeactivateDeletes(false))) {
            CreatedDirectory dir = keeping.newDirectory("Keep");
            String id = keeping.admin().scimCreateUser(dir.id(), dir.scimToken(), "bob@example.com", "Bob", "B", true);
            keeping.skipExistingEvents();

            keeping.admin().scimPatchUserActive(dir.id(), dir.scimToken(), id, false);

            List<JsonNode> events = keeping.newEvents();
            assertThat(events).extracting(e -> e.get("event").asText()).containsExactly("dsync.user.updated");
            JsonNode user = events.get(0).get("data");
            assertThat(user.get("state").asText()).isEqualTo("inactive");
            assertThat(user.get("previous_attributes").get("state").asText()).isEqualTo("active");
            assertThat(keeping.admin().snapshot(dir.id()).users()).singleElement()
                    .satisfies(u -> assertThat(u.state()).isEqualTo("inactive"));
        }
    }

    @Test
    void shouldEmitOnlyUserDeleted_WhenIdpDeletesAGroupMember() {
        String id = createAda();
        String groupId = fixture.admin().scimCreateGroup(directory.id(), directory.scimToken(), "Admins", List.of(id));
        fixture.skipExistingEvents();

        fixture.admin().scimDeleteUser(directory.id(), directory.scimToken(), id);

        assertThat(fixture.newEventTypes()).containsExactly("dsync.user.deleted");
        assertThat(fixture.admin().snapshot(directory.id()).memberships()).isEmpty();
        assertThat(fixture.admin().snapshot(directory.id()).groups()).extracting(g -> g.id()).containsExactly(groupId);
    }

    @Test
    void shouldRejectWithUniquenessConflict_WhenUserNameIsTaken() {
        createAda();
        fixture.skipExistingEvents();

        assertThatThrownBy(() -> fixture.admin().scimCreateUser(directory.id(), directory.scimToken(),
                "ADA@example.com", "Other", "Ada", true))
                .isInstanceOfSatisfying(EmulatorClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.body()).contains("\"scimType\":\"uniqueness\"")
                            .contains("urn:ietf:params:scim:api:messages:2.0:Error");
                });
        assertThat(fixture.newEvents()).isEmpty();
    }

    @Test
    void shouldFindTheUser_WhenIdpFiltersByUserName() {
        String id = createAda();
        fixture.admin().scimCreateUser(directory.id(), directory.scimToken(), "bob@example.com", "Bob", "B", true);

        JsonNode list = fixture.admin().scim("GET", directory.id(), directory.scimToken(),
                "/Users?filter=" + EmulatorFixture.enc("userName eq \"ada@example.com\""), null);

        assertThat(list.get("schemas").get(0).asText()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:ListResponse");
        assertThat(list.get("totalResults").asInt()).isEqualTo(1);
        assertThat(list.get("Resources").get(0).get("id").asText()).isEqualTo(id);
        JsonNode all = fixture.admin().scim("GET", directory.id(), directory.scimToken(), "/Users?startIndex=2&count=5", null);
        assertThat(all.get("totalResults").asInt()).isEqualTo(2);
        assertThat(all.get("Resources")).hasSize(1);
    }

    @Test
    void shouldRejectTheRequest_WhenTheScimTokenBelongsToAnotherDirectory() {
        CreatedDirectory other = fixture.newDirectory("Other");

        assertThatThrownBy(() -> fixture.admin().scimCreateUser(directory.id(), other.scimToken(), "eve@example.com",
                "Eve", "E", true))
                .isInstanceOfSatisfying(EmulatorClientException.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    private String createAda() {
        return fixture.admin().scimCreateUser(directory.id(), directory.scimToken(), "ada@example.com", "Ada",
                "Lovelace", true);
    }
}
