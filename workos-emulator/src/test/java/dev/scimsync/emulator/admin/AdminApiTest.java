package dev.scimsync.emulator.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorFixture;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.faults.FaultSettings;
import dev.scimsync.emulator.model.DirectorySnapshot;
import dev.scimsync.emulator.model.SeedResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Seeding, drift, snapshots, faults and persistence through the admin API. */
class AdminApiTest {

    private static EmulatorFixture fixture;

    @BeforeAll
    static void start() {
        fixture = EmulatorFixture.start(EmulatorOptions.defaults().withRateLimits(false));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @AfterEach
    void clearFaults() {
        fixture.admin().clearFaults();
    }

    @Test
    void shouldSeedWithoutEvents_WhenEmitEventsIsFalse() {
        CreatedDirectory directory = fixture.newDirectory("Quiet seed");
        fixture.skipExistingEvents();

        SeedResult result = fixture.admin().seed(directory.id(), 30, 3, 2, false);

        assertThat(result.users()).isEqualTo(30);
        assertThat(result.groups()).isEqualTo(3);
        assertThat(result.memberships()).isEqualTo(60);
        assertThat(fixture.newEvents()).isEmpty();
        DirectorySnapshot snapshot = fixture.admin().snapshot(directory.id());
        assertThat(snapshot.users()).hasSize(30).extracting(DirectorySnapshot.User::id).isSorted();
        assertThat(snapshot.memberships()).hasSize(60);
    }

    @Test
    void shouldEmitCreatedAndUserAddedEvents_WhenSeedEmitsEvents() {
        CreatedDirectory directory = fixture.newDirectory("Loud seed");
        fixture.skipExistingEvents();

        fixture.admin().seed(directory.id(), 4, 2, 1, true);

        assertThat(fixture.newEventTypes()).containsExactly(
                "dsync.user.created", "dsync.user.created", "dsync.user.created", "dsync.user.created",
                "dsync.group.created", "dsync.group.created",
                "dsync.group.user_added", "dsync.group.user_added", "dsync.group.user_added", "dsync.group.user_added");
    }

    @Test
    void shouldRemoveUsersAndMembershipsSilently_WhenUsersAreDropped() {
        CreatedDirectory directory = fixture.newDirectory("Drift");
        fixture.admin().seed(directory.id(), 10, 2, 1, false);
        fixture.skipExistingEvents();

        List<String> dropped = fixture.admin().drop(directory.id(), 3);

        assertThat(dropped).hasSize(3);
        assertThat(fixture.newEvents()).isEmpty();
        DirectorySnapshot snapshot = fixture.admin().snapshot(directory.id());
        assertThat(snapshot.users()).hasSize(7).extracting(DirectorySnapshot.User::id).doesNotContainAnyElementsOf(dropped);
        assertThat(snapshot.memberships()).hasSize(7).extracting(DirectorySnapshot.Membership::userId)
                .doesNotContainAnyElementsOf(dropped);
    }

    @Test
    void shouldAnswerWithTheInjectedStatus_WhenErrorRateIsOne() {
        fixture.admin().setFaults(new FaultSettings(0, 1.0, 503, false, 0));

        assertThat(fixture.get("/directories").status()).isEqualTo(503);
        // faults never touch the admin API
        assertThat(fixture.admin().createOrganization("Still works")).startsWith("org_");
    }

    @Test
    void shouldRedeliverEventsInALaterPage_WhenDuplicateEventsRateIsOne() {
        CreatedDirectory directory = fixture.newDirectory("Duplicates");
        fixture.admin().seed(directory.id(), 30, 0, 0, true);
        fixture.admin().setFaults(new FaultSettings(0, 0, 500, false, 1.0));

        List<String> ids = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 100; page++) {
            JsonNode data = fixture.get("/events?events=dsync.user.created&organization_id=" + directory.organizationId()
                    + "&order=asc&limit=10" + (after == null ? "" : "&after=" + after)).body().get("data");
            if (data.isEmpty()) {
                break;
            }
            data.forEach(e -> ids.add(e.get("id").asText()));
            after = data.get(data.size() - 1).get("id").asText();
        }

        Set<String> distinct = new HashSet<>(ids);
        assertThat(ids.size()).isGreaterThan(distinct.size());
        assertThat(distinct).as("every event is still delivered, the cursor never moving back").hasSize(30);
    }

    @Test
    void shouldRestoreDirectoriesAndEvents_WhenRestartedWithThePersistFile(@TempDir Path dir) {
        Path file = dir.resolve("emulator.json");
        CreatedDirectory directory;
        int events;
        try (EmulatorFixture first = EmulatorFixture.start(EmulatorOptions.defaults().withPersistFile(file))) {
            directory = first.newDirectory("Durable");
            first.admin().seed(directory.id(), 5, 1, 1, true);
            events = first.newEvents().size();
        }

        try (EmulatorFixture second = EmulatorFixture.start(EmulatorOptions.defaults().withPersistFile(file))) {
            assertThat(second.admin().snapshot(directory.id()).users()).hasSize(5);
            assertThat(second.newEvents()).hasSize(events);
            String id = second.admin().scimCreateUser(directory.id(), directory.scimToken(), "new@example.com", "N", "U", true);
            List<JsonNode> newest = second.newEvents();
            assertThat(newest).singleElement().satisfies(e -> assertThat(e.get("data").get("id").asText()).isEqualTo(id));
        }
    }
}
