package dev.scimsync.processor;

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

import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.Version;
import dev.scimsync.processor.fixtures.ProcessorHarness;

class MembershipRulesTest {

    private static final String ORG = "org_01ACME";
    private static final String ENG = "directory_group_01ENG";
    private static final String OPS = "directory_group_02OPS";
    private static final String JANE = "directory_user_01JANE";
    private static final String JOHN = "directory_user_02JOHN";

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
    void shouldCreateTheMemberFromTheEmbeddedUser_WhenUserAddedArrivesBeforeUserCreated() {
        processor.send(aMembershipEvent().added()
                .ofUser(aUserEvent().forUser(JOHN).withEmail("john@acme.test").updatedAt(T0))
                .inGroup(ENG).withEventId("event_2_ADD").at(T0.plusSeconds(2)));

        assertThat(processor.members()).singleElement().satisfies(m -> {
            assertThat(m.directoryUserId()).isEqualTo(JOHN);
            assertThat(m.email()).isEqualTo("john@acme.test");
            assertThat(m.removed()).isFalse();
        });
        assertThat(processor.groups()).singleElement().satisfies(g -> assertThat(g.name()).isEqualTo("Engineering"));
        assertThat(processor.memberships()).singleElement().satisfies(s -> {
            assertThat(s.key()).isEqualTo(ORG + "/" + ENG + "/" + JOHN);
            assertThat(s.version()).isEqualTo(new Version(T0.plusSeconds(2), "event_2_ADD"));
            assertThat(s.eventCreatedAt()).isEqualTo(T0.plusSeconds(2));
            assertThat(s.removed()).isFalse();
        });

        // the user.created that comes late carries the same updated_at and an older event id: nothing changes
        processor.send(aUserEvent().created().forUser(JOHN).withEmail("john@acme.test").updatedAt(T0)
                .withEventId("event_1_CREATE").at(T0.plusSeconds(1)));
        assertThat(processor.members()).isEmpty();
        assertThat(processor.statusState().get(ORG).members()).isEqualTo(1);
        assertThat(processor.statusState().get(ORG).memberships()).isEqualTo(1);
    }

    @Test
    void shouldKeepTheStoredMember_WhenUserAddedEmbedsAnOlderUser() {
        processor.send(aUserEvent().created().forUser(JANE).withFirstName("Janet").at(T0.plusSeconds(5)));
        processor.members();

        processor.send(aMembershipEvent().added().ofUser(aUserEvent().forUser(JANE).updatedAt(T0))
                .inGroup(ENG).at(T0.plusSeconds(6)));

        assertThat(processor.members()).isEmpty();
        assertThat(processor.memberState().get(ORG + "/" + JANE).firstName()).isEqualTo("Janet");
        assertThat(processor.memberships()).hasSize(1);
    }

    @Test
    void shouldEndEveryMembershipOfTheGroup_WhenTheGroupIsDeleted() {
        processor.send(aGroupEvent().created().forGroup(ENG).at(T0), aGroupEvent().created().forGroup(OPS).at(T0),
                aUserEvent().created().forUser(JANE).at(T0), aUserEvent().created().forUser(JOHN).at(T0),
                aMembershipEvent().added().ofUser(JANE).inGroup(ENG).at(T0.plusSeconds(1)),
                aMembershipEvent().added().ofUser(JOHN).inGroup(ENG).at(T0.plusSeconds(1)),
                aMembershipEvent().added().ofUser(JOHN).inGroup(OPS).at(T0.plusSeconds(1)));
        processor.memberships();
        processor.groups();
        processor.members();

        processor.send(aGroupEvent().deleted().forGroup(ENG).withEventId("event_DEL").at(T0.plusSeconds(10)));

        assertThat(processor.groups()).singleElement().satisfies(g -> assertThat(g.removed()).isTrue());
        assertThat(processor.memberships())
                .extracting(Membership::directoryUserId, Membership::removed, Membership::version)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(JANE, true, new Version(T0.plusSeconds(10), "event_DEL")),
                        org.assertj.core.groups.Tuple.tuple(JOHN, true, new Version(T0.plusSeconds(10), "event_DEL")));
        assertThat(presentMemberships()).containsExactly(ORG + "/" + OPS + "/" + JOHN);
        assertThat(processor.members()).isEmpty();
        assertThat(processor.statusState().get(ORG)).satisfies(s -> {
            assertThat(s.groups()).isEqualTo(1);
            assertThat(s.memberships()).isEqualTo(1);
            assertThat(s.members()).isEqualTo(2);
        });
    }

    @Test
    void shouldEndEveryMembershipOfTheMember_WhenTheUserIsDeleted() {
        processor.send(aUserEvent().created().forUser(JANE).at(T0), aUserEvent().created().forUser(JOHN).at(T0),
                aMembershipEvent().added().ofUser(JANE).inGroup(ENG).at(T0.plusSeconds(1)),
                aMembershipEvent().added().ofUser(JANE).inGroup(OPS).at(T0.plusSeconds(1)),
                aMembershipEvent().added().ofUser(JOHN).inGroup(OPS).at(T0.plusSeconds(1)));
        processor.memberships();
        processor.members();

        processor.send(aUserEvent().deleted().forUser(JANE).at(T0.plusSeconds(10)));

        assertThat(processor.members()).singleElement().satisfies(m -> assertThat(m.removed()).isTrue());
        assertThat(processor.memberships()).hasSize(2).allSatisfy(s -> {
            assertThat(s.directoryUserId()).isEqualTo(JANE);
            assertThat(s.removed()).isTrue();
        });
        assertThat(presentMemberships()).containsExactly(ORG + "/" + OPS + "/" + JOHN);
    }

    @Test
    void shouldRemoveTheMembership_WhenUserRemovedArrives() {
        processor.send(aMembershipEvent().added().ofUser(JANE).inGroup(ENG).at(T0.plusSeconds(1)),
                aMembershipEvent().removed().ofUser(JANE).inGroup(ENG).at(T0.plusSeconds(2)));

        assertThat(processor.memberships()).extracting(Membership::removed).containsExactly(false, true);
        assertThat(processor.members()).extracting(Member::removed).containsExactly(false);
        assertThat(processor.statusState().get(ORG).memberships()).isZero();
    }

    @Test
    void shouldIgnoreALateUserAdded_WhenTheRemovalIsNewer() {
        processor.send(aMembershipEvent().added().ofUser(JANE).inGroup(ENG).at(T0.plusSeconds(1)),
                aMembershipEvent().removed().ofUser(JANE).inGroup(ENG).at(T0.plusSeconds(5)));
        processor.memberships();

        processor.send(aMembershipEvent().added().ofUser(JANE).inGroup(ENG).at(T0.plusSeconds(3)));

        assertThat(processor.memberships()).isEmpty();
        assertThat(presentMemberships()).isEmpty();
    }

    @Test
    void shouldNotAddAMembership_ForAMemberDeletedAfterTheAdd() {
        processor.send(aUserEvent().created().forUser(JANE).at(T0),
                aUserEvent().deleted().forUser(JANE).at(T0.plusSeconds(10)));
        processor.memberships();

        processor.send(aMembershipEvent().added().ofUser(JANE).inGroup(ENG).at(T0.plusSeconds(5)));

        assertThat(processor.memberships()).isEmpty();
    }

    @Test
    void shouldNotReemitAPresentMembership_WhenAResyncReportsIt() {
        processor.send(aMembershipEvent().added().ofUser(JANE).inGroup(ENG).at(T0.plusSeconds(1)));
        processor.memberships();

        processor.send(aMembershipEvent().fromResync().ofUser(JANE).inGroup(ENG).at(T0.plusSeconds(60)));
        assertThat(processor.memberships()).isEmpty();

        // the resync's read time now orders the membership: a removal from before the read is stale
        processor.send(aMembershipEvent().removed().ofUser(JANE).inGroup(ENG).at(T0.plusSeconds(30)));
        assertThat(processor.memberships()).isEmpty();
        assertThat(presentMemberships()).containsExactly(ORG + "/" + ENG + "/" + JANE);
    }

    private java.util.List<String> presentMemberships() {
        return processor.membershipState().values().stream().filter(s -> !s.removed()).map(Membership::key).sorted()
                .toList();
    }
}
