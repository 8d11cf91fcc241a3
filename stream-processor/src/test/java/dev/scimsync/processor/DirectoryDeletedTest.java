package dev.scimsync.processor;

import static dev.scimsync.processor.fixtures.DirectoryEventBuilder.aDirectoryEvent;
import static dev.scimsync.processor.fixtures.EventBuilder.T0;
import static dev.scimsync.processor.fixtures.GroupEventBuilder.aGroupEvent;
import static dev.scimsync.processor.fixtures.MembershipEventBuilder.aMembershipEvent;
import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.Version;
import dev.scimsync.processor.fixtures.ProcessorHarness;

class DirectoryDeletedTest {

    private static final String ORG = "org_01ACME";
    private static final String OKTA = "directory_01OKTA";
    private static final String ENTRA = "directory_02ENTRA";

    @TempDir
    Path stateDir;

    private ProcessorHarness processor;

    @BeforeEach
    void start() {
        processor = new ProcessorHarness(stateDir);
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
    void shouldChangeNothing_WhenTheDirectoryIsActivated() {
        processor.send(aDirectoryEvent().activated().inDirectory(OKTA).at(T0));

        assertThat(processor.members()).isEmpty();
        assertThat(processor.statuses()).isEmpty();
    }
}
