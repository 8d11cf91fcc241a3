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
import dev.scimsync.processor.fixtures.ProcessorHarness;

class OrganizationIsolationTest {

    private static final String ACME = "org_01ACME";
    private static final String GLOBEX = "org_02GLOBEX";
    private static final String SAME_USER = "directory_user_01SHARED";
    private static final String SAME_GROUP = "directory_group_01SHARED";

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
    void shouldKeepOrganizationsApart_WhenTheirEventsInterleaveWithTheSameIds() {
        processor.send(
                aUserEvent().created().inOrganization(ACME).forUser(SAME_USER).withFirstName("Acme").at(T0),
                aUserEvent().created().inOrganization(GLOBEX).forUser(SAME_USER).withFirstName("Globex").at(T0),
                aGroupEvent().created().inOrganization(GLOBEX).forGroup(SAME_GROUP).at(T0.plusSeconds(1)),
                aMembershipEvent().added().inOrganization(ACME).ofUser(SAME_USER).inGroup(SAME_GROUP)
                        .at(T0.plusSeconds(2)),
                aUserEvent().updated().inOrganization(GLOBEX).forUser(SAME_USER).withFirstName("Globex").withState("inactive")
                        .at(T0.plusSeconds(3)),
                aMembershipEvent().added().inOrganization(GLOBEX).ofUser(SAME_USER).inGroup(SAME_GROUP)
                        .at(T0.plusSeconds(4)),
                // an older update for Acme must be judged against Acme's version, not Globex's newer one
                aUserEvent().updated().inOrganization(ACME).forUser(SAME_USER).withFirstName("Acme2")
                        .at(T0.plusSeconds(2)),
                aUserEvent().deleted().inOrganization(ACME).forUser(SAME_USER).at(T0.plusSeconds(5)));

        assertThat(processor.members()).filteredOn(m -> m.organizationId().equals(ACME))
                .extracting(Member::firstName, Member::removed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Acme", false),
                        org.assertj.core.groups.Tuple.tuple("Acme2", false),
                        org.assertj.core.groups.Tuple.tuple("Jane", true));
        Member acme = processor.memberState().get(ACME + "/" + SAME_USER);
        Member globex = processor.memberState().get(GLOBEX + "/" + SAME_USER);
        assertThat(acme.removed()).isTrue();
        assertThat(globex.removed()).isFalse();
        assertThat(globex.state()).isEqualTo("inactive");
        assertThat(globex.firstName()).isEqualTo("Globex");
        assertThat(processor.membershipState().values())
                .extracting(Membership::key, Membership::removed)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(ACME + "/" + SAME_GROUP + "/" + SAME_USER, true),
                        org.assertj.core.groups.Tuple.tuple(GLOBEX + "/" + SAME_GROUP + "/" + SAME_USER, false));
        assertThat(processor.statusState().get(ACME)).satisfies(s -> {
            assertThat(s.members()).isZero();
            assertThat(s.memberships()).isZero();
            assertThat(s.groups()).isEqualTo(1);
        });
        assertThat(processor.statusState().get(GLOBEX)).satisfies(s -> {
            assertThat(s.members()).isEqualTo(1);
            assertThat(s.memberships()).isEqualTo(1);
            assertThat(s.groups()).isEqualTo(1);
        });
    }
}
