package dev.scimsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.workos.WorkOS;
import com.workos.common.http.Page;
import com.workos.common.http.RequestConfig;
import com.workos.models.Directory;
import com.workos.models.DirectoryGroup;
import com.workos.models.DirectoryUserWithGroups;
import com.workos.types.DirectoryUserState;
import com.workos.types.PaginationOrder;
import kotlin.Pair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real WorkOS SDK (7.2.0) pointed at the emulator parses everything it serves. */
class WorkosSdkCompatibilityTest {

    private static EmulatorFixture fixture;
    private static WorkOS workos;

    @BeforeAll
    static void start() {
        fixture = EmulatorFixture.start(EmulatorOptions.defaults());
        workos = new WorkOS(fixture.emulator().apiKey(), null, fixture.emulator().baseUrl());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void shouldListDirectoriesOfAnOrganization_WhenTheSdkFiltersByOrganization() {
        CreatedDirectory created = fixture.newDirectory("Acme");

        Page<Directory> page = workos.getDirectorySync().list(null, null, 10, PaginationOrder.Desc,
                created.organizationId());

        assertThat(page.data).singleElement().satisfies(d -> {
            assertThat(d.getId()).isEqualTo(created.id());
            assertThat(d.getOrganizationId()).isEqualTo(created.organizationId());
            assertThat(d.getName()).isEqualTo("Acme");
        });
        assertThat(workos.getDirectorySync().get(created.id()).getId()).isEqualTo(created.id());
    }

    @Test
    void shouldServeAnOrganization_AndA404ForAnUnknownOne() {
        CreatedDirectory created = fixture.newDirectory("Named Corp");

        assertThat(workos.getOrganizations().get(created.organizationId()).getName()).isEqualTo("Named Corp Inc");
        assertThatThrownBy(() -> workos.getOrganizations().get("org_01NOSUCH"))
                .isInstanceOf(com.workos.common.exceptions.NotFoundException.class);
    }

    @Test
    void shouldPageThroughAllUsersWithTheirGroups_When250UsersAreListedWithLimit100() {
        CreatedDirectory directory = fixture.newDirectory("Paging");
        fixture.admin().seed(directory.id(), 250, 5, 2, false);

        List<DirectoryUserWithGroups> users = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String after = null;
        do {
            Page<DirectoryUserWithGroups> page = workos.getDirectorySync().listUsers(null, after, 100,
                    PaginationOrder.Asc, directory.id());
            users.addAll(page.data);
            pageSizes.add(page.data.size());
            after = page.listMetadata.after;
        } while (after != null);

        assertThat(pageSizes).containsExactly(100, 100, 50);
        assertThat(users).hasSize(250).extracting(DirectoryUserWithGroups::getId).isSorted().doesNotHaveDuplicates();
        assertThat(users).allSatisfy(u -> {
            assertThat(u.getDirectoryId()).isEqualTo(directory.id());
            assertThat(u.getState()).isEqualTo(DirectoryUserState.Active);
            assertThat(u.getEmail()).endsWith(".example.com");
            assertThat(u.getGroups()).hasSize(2);
        });
    }

    @Test
    void shouldListGroupsAndTheirMembers_WhenTheSdkFiltersByDirectoryAndGroup() {
        CreatedDirectory directory = fixture.newDirectory("Groups");
        fixture.admin().seed(directory.id(), 20, 4, 1, false);

        Page<DirectoryGroup> groups = workos.getDirectorySync().listGroups(null, null, 100, PaginationOrder.Desc,
                directory.id());
        Page<DirectoryUserWithGroups> members = workos.getDirectorySync().listUsers(null, null, 100,
                PaginationOrder.Desc, null, groups.data.get(0).getId());

        assertThat(groups.data).hasSize(4).extracting(DirectoryGroup::getId).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(members.data).hasSize(5).allSatisfy(u -> assertThat(u.getGroups())
                .extracting(DirectoryGroup::getId).contains(groups.data.get(0).getId()));
        DirectoryUserWithGroups one = workos.getDirectorySync().getUser(members.data.get(0).getId());
        assertThat(one.getEmail()).isEqualTo(members.data.get(0).getEmail());
        assertThat(workos.getDirectorySync().getGroup(groups.data.get(0).getId()).getName())
                .isEqualTo(groups.data.get(0).getName());
        assertThat(workos.getDirectorySync().listUsers(null, null, 10, PaginationOrder.Desc, directory.id(), null,
                null, one.getEmail()).data).extracting(DirectoryUserWithGroups::getId).containsExactly(one.getId());
    }

    @Test
    void shouldReadDsyncEventsInOrder_WhenTheSdkRequestsEventsAsRawJson() {
        CreatedDirectory directory = fixture.newDirectory("Events");
        String userId = fixture.admin().scimCreateUser(directory.id(), directory.scimToken(), "ada@events.example",
                "Ada", "Lovelace", true);
        fixture.admin().scimCreateGroup(directory.id(), directory.scimToken(), "Engineers", List.of(userId));

        List<Pair<String, String>> params = List.of(
                new Pair<>("events", EmulatorFixture.ALL_DSYNC_EVENTS),
                new Pair<>("organization_id", directory.organizationId()),
                new Pair<>("order", "asc"),
                new Pair<>("limit", "100"));
        JsonNode page = workos.baseClient.requestJson(new RequestConfig("GET", "/events", params, null, null, null, null));

        assertThat(page.get("object").asText()).isEqualTo("list");
        assertThat(page.get("data")).extracting(e -> e.get("event").asText()).containsExactly(
                "dsync.activated", "dsync.user.created", "dsync.group.created", "dsync.group.user_added");
        assertThat(page.get("data")).extracting(e -> e.get("id").asText()).isSorted();
        assertThat(page.get("list_metadata").has("after")).isTrue();
    }
}
