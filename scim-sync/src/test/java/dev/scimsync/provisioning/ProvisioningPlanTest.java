package dev.scimsync.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.scimsync.core.serde.Json;
import dev.scimsync.writer.provisioning.ProvisioningStore;

class ProvisioningPlanTest {

    private final List<ProvisioningStore.ManualMember> manual = new ArrayList<>();
    private final List<ProvisioningPlan.DirectoryUser> directory = new ArrayList<>();

    @Test
    void shouldLinkEmailsThatDifferOnlyByCaseOrSurroundingSpaces() {
        member(1, "Ada@Example.COM");
        member(2, "  grace@example.com ");
        user("directory_user_ada", "ada@example.com");
        user("directory_user_grace", "GRACE@example.com");

        ProvisioningPlan plan = plan(null);

        assertThat(plan.linked()).containsExactly(
                new ProvisioningPlan.Linked(1, "directory_user_ada", "ada@example.com"),
                new ProvisioningPlan.Linked(2, "directory_user_grace", "GRACE@example.com"));
        assertThat(plan.links()).containsExactly(new ProvisioningStore.Link(1, "directory_user_ada"),
                new ProvisioningStore.Link(2, "directory_user_grace"));
        assertThat(plan.created()).isEmpty();
        assertThat(plan.removed()).isEmpty();
        assertThat(plan.ambiguous()).isEmpty();
    }

    @Test
    void shouldLinkNobody_WhenOneMemberMatchesTwoDirectoryUsers_AndKeepTheMember() {
        member(1, "shared@example.com");
        user("directory_user_a", "shared@example.com");
        user("directory_user_b", "Shared@Example.com");

        ProvisioningPlan plan = plan(null);

        assertThat(plan.linked()).isEmpty();
        assertThat(plan.ambiguous()).containsExactly(new ProvisioningPlan.Ambiguous("shared@example.com",
                List.of("shared@example.com", "shared@example.com", "Shared@Example.com"), List.of(1L),
                List.of("directory_user_a", "directory_user_b")));
        assertThat(plan.removed()).as("an ambiguous member is kept").isEmpty();
        assertThat(plan.kept()).containsExactly(new ProvisioningPlan.Kept(1, "shared@example.com", "ambiguous"));
        assertThat(plan.created()).as("listed under ambiguous only").isEmpty();
    }

    @Test
    void shouldLinkNobody_WhenTwoMembersMatchOneDirectoryUser_AndKeepBoth() {
        member(1, "twice@example.com");
        member(2, " TWICE@example.com");
        user("directory_user_t", "twice@example.com");

        ProvisioningPlan plan = plan(null);

        assertThat(plan.linked()).isEmpty();
        assertThat(plan.ambiguous()).singleElement().satisfies(a -> {
            assertThat(a.memberIds()).containsExactly(1L, 2L);
            assertThat(a.directoryUserIds()).containsExactly("directory_user_t");
        });
        assertThat(plan.kept()).extracting(ProvisioningPlan.Kept::memberId).containsExactly(1L, 2L);
        assertThat(plan.removed()).isEmpty();
    }

    @Test
    void shouldRemoveUnmatchedMembers_ButNeverThePrimaryOwner_AndCreateUnmatchedUsers() {
        member(1, "owner@example.com");
        member(2, "gone@example.com");
        member(3, null);
        user("directory_user_new", "new@example.com");
        user("directory_user_no_email", null);

        ProvisioningPlan plan = plan(1L);

        assertThat(plan.removed()).containsExactly(new ProvisioningPlan.Removed(2, "gone@example.com"),
                new ProvisioningPlan.Removed(3, null));
        assertThat(plan.removedIds()).containsExactly(2L, 3L);
        assertThat(plan.kept()).containsExactly(new ProvisioningPlan.Kept(1, "owner@example.com", "primary_owner"));
        assertThat(plan.created()).containsExactly(new ProvisioningPlan.Created("directory_user_new", "new@example.com"),
                new ProvisioningPlan.Created("directory_user_no_email", null));
        assertThat(plan.summary()).isEqualTo("linked 0, created 2, removed 2, ambiguous 0 (1 manual members kept)")
                .doesNotContain("@");
    }

    @Test
    void shouldLinkThePrimaryOwner_WhenTheDirectoryHasIt() {
        member(1, "owner@example.com");
        user("directory_user_owner", "Owner@example.com");

        ProvisioningPlan plan = plan(1L);

        assertThat(plan.linked()).extracting(ProvisioningPlan.Linked::memberId).containsExactly(1L);
        assertThat(plan.kept()).isEmpty();
    }

    @Test
    void shouldListEveryProblemOfANewMember_AndTrimItsValues() throws Exception {
        assertThatThrownBy(() -> NewMember.from(Json.MAPPER.readTree("{\"email\": 3, \"first_name\": true, "
                + "\"role\": \"" + "r".repeat(101) + "\"}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid member: email must be text; first_name must be text; role is longer than 100 "
                        + "characters");
        assertThatThrownBy(() -> NewMember.from(Json.MAPPER.readTree("{}"))).hasMessage(
                "invalid member: email is required");
        assertThatThrownBy(() -> NewMember.from(Json.MAPPER.readTree("{\"email\": \"not an email\"}"))).hasMessage(
                "invalid member: email must look like name@domain (no spaces)");
        assertThat(NewMember.from(Json.MAPPER.readTree("{\"email\": \" a@b.test \", \"last_name\": \" \"}")))
                .isEqualTo(new NewMember("a@b.test", null, null, null));
    }

    private ProvisioningPlan plan(Long primaryOwner) {
        return ProvisioningPlan.of(manual, directory, primaryOwner);
    }

    private void member(long id, String email) {
        manual.add(new ProvisioningStore.ManualMember(id, email));
    }

    private void user(String id, String email) {
        directory.add(new ProvisioningPlan.DirectoryUser(id, email));
    }
}
