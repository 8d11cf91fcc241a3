package dev.scimsync.processor;

import static dev.scimsync.processor.fixtures.EventBuilder.T0;
import static dev.scimsync.processor.fixtures.GroupEventBuilder.aGroupEvent;
import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Version;
import dev.scimsync.processor.fixtures.ProcessorHarness;
import dev.scimsync.processor.metrics.ProcessorMetrics;

class MemberOrderingTest {

    private static final String JANE = "org_01ACME/directory_user_01JANE";

    @TempDir
    Path stateDir;

    private ProcessorHarness processor;

    @AfterEach
    void stop() {
        processor.close();
    }

    private ProcessorHarness processor() {
        processor = new ProcessorHarness(stateDir, Map.of("SCIM_SYNC_PROCESSOR_TOMBSTONE_RETENTION", "P1D",
                "SCIM_SYNC_PROCESSOR_PURGE_INTERVAL", "PT1H"), ProcessorMetrics.NONE);
        return processor;
    }

    @Test
    void shouldEmitTheMemberWithItsVersionAndEventTime_WhenAUserIsCreated() {
        processor().send(aUserEvent().created().withEventId("event_A").at(T0.plusSeconds(3)).updatedAt(T0));

        assertThat(processor.members()).singleElement().satisfies(m -> {
            assertThat(m.key()).isEqualTo(JANE);
            assertThat(m.email()).isEqualTo("jane@acme.test");
            assertThat(m.state()).isEqualTo("active");
            assertThat(m.directoryId()).isEqualTo("directory_01ACME");
            assertThat(m.roles().get(0).get("slug").asText()).isEqualTo("member");
            assertThat(m.customAttributes().get("department").asText()).isEqualTo("Engineering");
            assertThat(m.version()).isEqualTo(new Version(T0, "event_A"));
            assertThat(m.eventCreatedAt()).isEqualTo(T0.plusSeconds(3));
            assertThat(m.removed()).isFalse();
        });
    }

    @Test
    void shouldIgnoreStaleUpdate_WhenOlderVersionArrives() {
        processor().send(aUserEvent().created().at(T0),
                aUserEvent().updated().withState("inactive").at(T0.plusSeconds(20)));
        processor.members();

        processor.send(aUserEvent().updated().withFirstName("Old").at(T0.plusSeconds(10)));

        assertThat(processor.members()).isEmpty();
        assertThat(processor.memberState().get(JANE).state()).isEqualTo("inactive");
        assertThat(processor.memberState().get(JANE).firstName()).isEqualTo("Jane");
    }

    @Test
    void shouldKeepTheMemberRemoved_WhenALateOlderUpdateArrivesAfterTheDelete() {
        processor().send(aUserEvent().created().at(T0),
                aUserEvent().deleted().at(T0.plusSeconds(30)));
        assertThat(processor.members()).last().satisfies(m -> assertThat(m.removed()).isTrue());

        processor.send(aUserEvent().updated().withFirstName("Ghost").at(T0.plusSeconds(15)));

        assertThat(processor.members()).isEmpty();
        assertThat(processor.memberState().get(JANE).removed()).isTrue();
        assertThat(processor.statusState().get("org_01ACME").members()).isZero();
    }

    @Test
    void shouldStillRejectALateUpdate_WithinTheTombstoneRetention() {
        processor().send(aUserEvent().created().at(T0), aUserEvent().deleted().at(T0.plusSeconds(30)));
        processor.advanceWallClock(Duration.ofHours(23));
        processor.members();

        processor.send(aUserEvent().updated().withFirstName("Ghost").at(T0.plusSeconds(15)));

        assertThat(processor.members()).isEmpty();
    }

    @Test
    void shouldPurgeTheRemovalRecord_AfterTheTombstoneRetention() {
        processor().send(aUserEvent().created().at(T0), aUserEvent().deleted().at(T0.plusSeconds(30)));
        processor.advanceWallClock(Duration.ofHours(25));
        processor.members();

        // after the retention the store has forgotten the member: an older update is new to it again
        processor.send(aUserEvent().updated().withFirstName("Ghost").at(T0.plusSeconds(15)));

        assertThat(processor.members()).singleElement().satisfies(m -> assertThat(m.removed()).isFalse());
    }

    @Test
    void shouldApplyAnUpdate_WhenUpdatedAtTiesAndTheEventIdIsLater() {
        processor().send(aUserEvent().created().withEventId("event_1").at(T0).updatedAt(T0),
                aUserEvent().updated().withEventId("event_2").withState("inactive").at(T0).updatedAt(T0));

        assertThat(processor.members()).extracting(Member::state).containsExactly("active", "inactive");
    }

    @Test
    void shouldNotEmit_WhenAResyncItemCarriesTheStoredUpdatedAt() {
        processor().send(aUserEvent().created().at(T0), aGroupEvent().created().at(T0));
        processor.members();
        processor.groups();

        processor.send(aUserEvent().fromResync().updatedAt(T0).at(T0.plusSeconds(60)),
                aGroupEvent().fromResync().updatedAt(T0).at(T0.plusSeconds(60)));

        assertThat(processor.members()).isEmpty();
        assertThat(processor.groups()).isEmpty();
    }

    @Test
    void shouldApplyAResyncItem_WhenItIsNewerThanTheStore() {
        processor().send(aUserEvent().created().at(T0));
        processor.members();

        processor.send(aUserEvent().fromResync().withEmail("jane.doe@acme.test").updatedAt(T0.plusSeconds(5))
                .at(T0.plusSeconds(60)));

        assertThat(processor.members()).singleElement().satisfies(m -> {
            assertThat(m.email()).isEqualTo("jane.doe@acme.test");
            assertThat(m.version()).isEqualTo(new Version(T0.plusSeconds(5), ""));
        });
    }

    @Test
    void shouldIgnoreAStaleGroupRename_WhenANewerRenameIsStored() {
        processor().send(aGroupEvent().created().at(T0), aGroupEvent().updated().named("Eng").at(T0.plusSeconds(9)));
        processor.groups();

        processor.send(aGroupEvent().updated().named("Engineering (old)").at(T0.plusSeconds(5)));

        assertThat(processor.groups()).isEmpty();
        assertThat(processor.groupState().get("org_01ACME/directory_group_01ENG").name()).isEqualTo("Eng");
    }
}
