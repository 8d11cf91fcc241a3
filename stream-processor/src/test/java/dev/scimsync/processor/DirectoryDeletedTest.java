package dev.scimsync.processor;

import static dev.scimsync.processor.fixtures.DirectoryEventBuilder.aDirectoryEvent;
import static dev.scimsync.processor.fixtures.EventBuilder.T0;
import static dev.scimsync.processor.fixtures.GroupEventBuilder.aGroupEvent;
import static dev.scimsync.processor.fixtures.MembershipEventBuilder.aMembershipEvent;
import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.core.model.Version;
import dev.scimsync.processor.fixtures.CountingMetrics;
import dev.scimsync.processor.fixtures.ProcessorHarness;

class DirectoryDeletedTest {

    private static final String ORG = "org_01ACME";
    private static final String OKTA = "directory_01OKTA";
    private static final String ENTRA = "directory_02ENTRA";

    @TempDir
    Path stateDir;

    private ProcessorHarness processor;

    final CountingMetrics metrics = new CountingMetrics();

    @BeforeEach
    void start() {
        processor = harness(Map.of("SCIM_SYNC_PROCESSOR_TOMBSTONE_RETENTION", "P1D",
                "SCIM_SYNC_PROCESSOR_PURGE_INTERVAL", "PT1H"));
    }

    /** The processor under test: the default sweep step (the whole organization in one step). */
    ProcessorHarness harness(Map<String, String> settings) {
        return new ProcessorHarness(stateDir, settings, metrics);
    }

    @AfterEach
    void stop() {
        processor.close();
    }

    @Test
    void shouldRemoveEveryMemberGroupAndMembershipOfTheDirectory_WhenTheDirectoryIsDeleted() {
        processor.send(
                aUserEvent().created().inDirectory(OKTA).forUser("directory_user_1").at(T0),
                aUserEvent().created().inDirectory(OKTA).forUser("directory_user_2").at(T0),
                aGroupEvent().created().inDirectory(OKTA).forGroup("directory_group_1").at(T0),
                aMembershipEvent().added().inDirectory(OKTA).ofUser("directory_user_1").inGroup("directory_group_1")
                        .at(T0.plusSeconds(1)),
                aMembershipEvent().added().inDirectory(OKTA).ofUser("directory_user_2").inGroup("directory_group_1")
                        .at(T0.plusSeconds(1)),
                // a second directory of the same organization stays
                aUserEvent().created().inDirectory(ENTRA).forUser("directory_user_9").at(T0),
                aGroupEvent().created().inDirectory(ENTRA).forGroup("directory_group_9").at(T0),
                aMembershipEvent().added().inDirectory(ENTRA).ofUser("directory_user_9").inGroup("directory_group_9")
                        .at(T0.plusSeconds(1)),
                // and so does another organization
                aUserEvent().created().inOrganization("org_02OTHER").inDirectory(OKTA).forUser("directory_user_1")
                        .at(T0));
        processor.members();
        processor.groups();
        processor.memberships();

        processor.send(aDirectoryEvent().deleted().inDirectory(OKTA).withEventId("event_DIR")
                .at(T0.plusSeconds(60)));

        Version removal = new Version(T0.plusSeconds(60), "event_DIR");
        assertThat(processor.members()).extracting(Member::key, Member::removed, Member::version)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(ORG + "/directory_user_1", true, removal),
                        org.assertj.core.groups.Tuple.tuple(ORG + "/directory_user_2", true, removal));
        assertThat(processor.groups()).extracting(Group::key, Group::removed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ORG + "/directory_group_1", true));
        assertThat(processor.memberships()).extracting(Membership::directoryUserId, Membership::removed)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("directory_user_1", true),
                        org.assertj.core.groups.Tuple.tuple("directory_user_2", true));
        assertThat(processor.statusState().get(ORG)).satisfies(s -> {
            assertThat(s.members()).isEqualTo(1);
            assertThat(s.groups()).isEqualTo(1);
            assertThat(s.memberships()).isEqualTo(1);
            assertThat(s.lastEventId()).isEqualTo("event_DIR");
        });
        assertThat(processor.statusState().get("org_02OTHER").members()).isEqualTo(1);
    }

    @Test
    void shouldKeepTheDirectoryRemoved_WhenALateOlderUserUpdateArrives() {
        processor.send(aUserEvent().created().inDirectory(OKTA).at(T0),
                aDirectoryEvent().deleted().inDirectory(OKTA).at(T0.plusSeconds(60)));
        processor.members();

        processor.send(aUserEvent().updated().inDirectory(OKTA).withState("inactive").at(T0.plusSeconds(30)));

        assertThat(processor.members()).isEmpty();
    }

    @Test
    void shouldIgnoreALateUserCreated_WhenItArrivesAfterTheDirectoryWasDeleted() {
        // the delete comes first: the stores hold nothing of the directory, the removal record is all that is left
        processor.send(aDirectoryEvent().deleted().inDirectory(OKTA).withEventId("event_DIR").at(T0.plusSeconds(60)));
        SyncStatus afterDelete = processor.statusState().get(ORG);

        processor.send(aUserEvent().created().inDirectory(OKTA).forUser("directory_user_1").at(T0.plusSeconds(10)),
                aUserEvent().updated().inDirectory(OKTA).forUser("directory_user_1").withState("inactive")
                        .at(T0.plusSeconds(60)).withEventId("event_CIR"));

        assertThat(processor.members()).isEmpty();
        assertThat(processor.statuses()).isEmpty();
        assertThat(processor.statusState().get(ORG)).isEqualTo(afterDelete);
        assertThat(afterDelete.members()).isZero();
        assertThat(metrics.stale()).isEqualTo(2);
    }

    @Test
    void shouldIgnoreALateGroupCreated_WhenItArrivesAfterTheDirectoryWasDeleted() {
        processor.send(aGroupEvent().created().inDirectory(OKTA).forGroup("directory_group_1").at(T0),
                aDirectoryEvent().deleted().inDirectory(OKTA).at(T0.plusSeconds(60)));
        processor.groups();
        processor.statuses();

        processor.send(aGroupEvent().created().inDirectory(OKTA).forGroup("directory_group_2").at(T0.plusSeconds(30)),
                aGroupEvent().updated().inDirectory(OKTA).forGroup("directory_group_1").named("Renamed")
                        .at(T0.plusSeconds(59)));

        assertThat(processor.groups()).isEmpty();
        assertThat(processor.statuses()).isEmpty();
        assertThat(processor.statusState().get(ORG).groups()).isZero();
    }

    @Test
    void shouldIgnoreALateUserAdded_WhenItArrivesAfterTheDirectoryWasDeleted() {
        processor.send(aUserEvent().created().inDirectory(OKTA).forUser("directory_user_1").at(T0),
                aDirectoryEvent().deleted().inDirectory(OKTA).at(T0.plusSeconds(60)),
                // another directory of the organization goes on
                aUserEvent().created().inDirectory(ENTRA).forUser("directory_user_9").at(T0.plusSeconds(61)));
        processor.members();
        processor.statuses();

        // neither the membership nor its embedded (never seen) user and group come back
        processor.send(aMembershipEvent().added().inDirectory(OKTA).ofUser("directory_user_2")
                        .inGroup("directory_group_1").at(T0.plusSeconds(20)),
                aMembershipEvent().added().inDirectory(OKTA).ofUser("directory_user_1")
                        .inGroup("directory_group_1").at(T0.plusSeconds(30)));

        assertThat(processor.members()).isEmpty();
        assertThat(processor.groups()).isEmpty();
        assertThat(processor.memberships()).isEmpty();
        assertThat(processor.statuses()).isEmpty();
        assertThat(processor.statusState().get(ORG)).satisfies(s -> {
            assertThat(s.members()).isEqualTo(1);
            assertThat(s.groups()).isZero();
            assertThat(s.memberships()).isZero();
        });
    }

    @Test
    void shouldIgnoreARedeliveredDirectoryDelete_WhenDedupHasForgottenIt() {
        CountingMetrics forgetfulMetrics = new CountingMetrics();
        var delete = aDirectoryEvent().deleted().inDirectory(OKTA).at(T0.plusSeconds(60)).build();
        try (ProcessorHarness forgetful = new ProcessorHarness(stateDir.resolve("forgetful"),
                Map.of("SCIM_SYNC_PROCESSOR_DEDUP_RETENTION", "PT0.001S"), forgetfulMetrics)) {
            forgetful.send(aUserEvent().created().inDirectory(OKTA).at(T0)).send(delete);
            assertThat(forgetful.statuses()).singleElement()
                    .satisfies(s -> assertThat(s.appliedEvents()).isEqualTo(2));

            forgetful.members();

            // a newer event moves dedup's window past the delete, which then reaches the rules again
            forgetful.send(aUserEvent().created().inDirectory(ENTRA).forUser("directory_user_9")
                    .at(T0.plusSeconds(200))).send(delete);

            assertThat(forgetful.members()).extracting(Member::directoryUserId).containsExactly("directory_user_9");
            assertThat(forgetful.statuses()).singleElement()
                    .satisfies(s -> assertThat(s.appliedEvents()).isEqualTo(3));
            assertThat(forgetfulMetrics.applied()).isEqualTo(3);
            assertThat(forgetfulMetrics.duplicate()).isZero();
            assertThat(forgetfulMetrics.stale()).isEqualTo(1);
        }
    }

    @Test
    void shouldAcceptNewerEvents_WhenTheDirectoryIsActivatedAgainAfterItsDeletion() {
        processor.send(aUserEvent().created().inDirectory(OKTA).forUser("directory_user_1").at(T0),
                aGroupEvent().created().inDirectory(OKTA).forGroup("directory_group_1").at(T0),
                aDirectoryEvent().deleted().inDirectory(OKTA).withEventId("event_DIR").at(T0.plusSeconds(60)),
                aDirectoryEvent().activated().inDirectory(OKTA).at(T0.plusSeconds(120)));
        processor.members();
        processor.groups();
        processor.statuses();

        processor.send(
                // a user new to the re-activated directory
                aUserEvent().created().inDirectory(OKTA).forUser("directory_user_2").at(T0.plusSeconds(130)),
                // one the removal took, added to a group the removal took: both come back with the membership,
                // though neither changed (updated_at) since before the removal
                aMembershipEvent().added().inDirectory(OKTA)
                        .ofUser(aUserEvent().forUser("directory_user_1").updatedAt(T0))
                        .inGroup(aGroupEvent().forGroup("directory_group_1").updatedAt(T0))
                        .at(T0.plusSeconds(140)),
                // and a late event from before the removal still changes nothing
                aUserEvent().updated().inDirectory(OKTA).forUser("directory_user_1").withState("inactive")
                        .at(T0.plusSeconds(50)));

        assertThat(processor.members()).extracting(Member::directoryUserId, Member::removed, Member::state)
                .containsExactly(tuple("directory_user_2", false, "active"), tuple("directory_user_1", false, "active"));
        assertThat(processor.groups()).extracting(Group::directoryGroupId, Group::removed)
                .containsExactly(tuple("directory_group_1", false));
        assertThat(processor.memberships()).extracting(Membership::directoryUserId, Membership::removed)
                .containsExactly(tuple("directory_user_1", false));
        assertThat(processor.statusState().get(ORG)).satisfies(s -> {
            assertThat(s.members()).isEqualTo(2);
            assertThat(s.groups()).isEqualTo(1);
            assertThat(s.memberships()).isEqualTo(1);
        });
    }

    @Test
    void shouldBringBackAMemberRemovedByAnEarlierDelete_WhenTheDirectoryIsDeletedAgainThenReactivated() {
        processor.send(aUserEvent().created().inDirectory(OKTA).forUser("directory_user_1").at(T0),
                aDirectoryEvent().deleted().inDirectory(OKTA).withEventId("event_DIR1").at(T0.plusSeconds(60)),
                aDirectoryEvent().activated().inDirectory(OKTA).at(T0.plusSeconds(120)),
                aDirectoryEvent().deleted().inDirectory(OKTA).withEventId("event_DIR2").at(T0.plusSeconds(180)),
                aDirectoryEvent().activated().inDirectory(OKTA).at(T0.plusSeconds(240)));
        processor.members();

        // the IdP sends the unchanged user again (updated_at from before both deletes) after the re-activation
        processor.send(aMembershipEvent().added().inDirectory(OKTA)
                .ofUser(aUserEvent().forUser("directory_user_1").updatedAt(T0))
                .inGroup(aGroupEvent().forGroup("directory_group_1").updatedAt(T0.plusSeconds(250)))
                .at(T0.plusSeconds(260)));

        assertThat(processor.members()).extracting(Member::directoryUserId, Member::removed)
                .containsExactly(tuple("directory_user_1", false));
        assertThat(processor.memberships()).extracting(Membership::directoryUserId, Membership::removed)
                .containsExactly(tuple("directory_user_1", false));
    }

    @Test
    void shouldForgetTheDirectoryRemoval_AfterTheTombstoneRetention() {
        processor.send(aDirectoryEvent().deleted().inDirectory(OKTA).at(T0.plusSeconds(60)));
        processor.advanceWallClock(Duration.ofHours(23));
        processor.send(aUserEvent().created().inDirectory(OKTA).at(T0.plusSeconds(10)));
        assertThat(processor.members()).isEmpty();

        processor.advanceWallClock(Duration.ofHours(2));
        // known limit, as for every removal record: an event older than the retention is new to the stores again
        processor.send(aUserEvent().created().inDirectory(OKTA).at(T0.plusSeconds(10)));

        assertThat(processor.members()).singleElement().satisfies(m -> assertThat(m.removed()).isFalse());
    }

    @Test
    void shouldChangeNothing_WhenTheDirectoryIsActivated() {
        processor.send(aDirectoryEvent().activated().inDirectory(OKTA).at(T0));

        assertThat(processor.members()).isEmpty();
        assertThat(processor.statuses()).isEmpty();
    }
}
