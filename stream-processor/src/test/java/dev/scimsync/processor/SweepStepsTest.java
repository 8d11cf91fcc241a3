package dev.scimsync.processor;

import static dev.scimsync.processor.ResyncSweepTest.ORG;
import static dev.scimsync.processor.ResyncSweepTest.SCAN;
import static dev.scimsync.processor.ResyncSweepTest.begin;
import static dev.scimsync.processor.ResyncSweepTest.end;
import static dev.scimsync.processor.ResyncSweepTest.user;
import static dev.scimsync.processor.fixtures.DirectoryEventBuilder.aDirectoryEvent;
import static dev.scimsync.processor.fixtures.EventBuilder.T0;
import static dev.scimsync.processor.fixtures.GroupEventBuilder.aGroupEvent;
import static dev.scimsync.processor.fixtures.MembershipEventBuilder.aMembershipEvent;
import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.processor.fixtures.CountingMetrics;
import dev.scimsync.processor.fixtures.ProcessorHarness;
import dev.scimsync.processor.state.StateStores;
import dev.scimsync.processor.state.Sweep;

/**
 * A resync's sweep and a directory's removal that go on after their record, two entities a step, with other records
 * applied between the steps: what those records changed is kept, and the partition's other organizations are not
 * held until the sweep ends.
 */
class SweepStepsTest {

    private static final String OKTA = "directory_01OKTA";
    private static final String OTHER = "org_02OTHER";

    @TempDir
    Path stateDir;

    private final CountingMetrics metrics = new CountingMetrics();
    private ProcessorHarness processor;

    @AfterEach
    void stop() {
        if (processor != null) {
            processor.close();
        }
    }

    @Test
    void shouldKeepWhatALiveChangeTouchedBetweenTwoSteps_WhileCountingOrRemoving() {
        processor = stepping(stateDir);
        tenMembers();
        processor.send(begin("resync_1", "members", false, false, 100, 500));
        snapshotOfMembers("resync_1", 6);
        processor.send(end("resync_1"));

        assertThat(processor.sweepsLeft()).as("ten members counted two a step: the sweep goes on").isEqualTo(1);
        assertThat(status().resyncState()).isEqualTo("running");
        // member 9 changes in the IdP while the sweep counts
        processor.send(aUserEvent().updated().forUser(user(9)).withFirstName("Renamed").at(SCAN.plusSeconds(5)));
        // another organization's event is applied between two steps, not after the whole sweep
        processor.send(aUserEvent().created().inOrganization(OTHER).forUser("directory_user_x").at(SCAN));
        assertThat(processor.members()).extracting(Member::organizationId).contains(OTHER);
        assertThat(processor.sweepsLeft()).isEqualTo(1);

        // on to the removal of members 6 and 7 (one a step: a removal costs more than two reads), then member 8
        // changes before the step that would remove it
        int steps = 1;
        while (sweep().phase() != Sweep.Phase.REMOVE_MEMBERS || sweep().cursor() == null
                || sweep().cursor().compareTo(ORG + "/" + user(7)) < 0) {
            processor.advanceWallClock(Duration.ofMillis(1));
            steps++;
        }
        assertThat(sweep().cursor()).isLessThan(ORG + "/" + user(8));
        assertThat(present()).doesNotContain(user(6), user(7)).contains(user(8));
        processor.send(aUserEvent().updated().forUser(user(8)).withFirstName("Renamed").at(SCAN.plusSeconds(6)));
        steps += processor.drainSweeps();

        assertThat(metrics.sweepSteps()).as("every step timed, the end marker's first").isEqualTo(steps);
        assertThat(present()).containsExactlyInAnyOrder(user(0), user(1), user(2), user(3), user(4), user(5),
                user(8), user(9));
        SyncStatus status = status();
        assertThat(status.resyncState()).isEqualTo("completed");
        assertThat(status.resyncOutcome().members()).isEqualTo(2);
        assertThat(status.resyncOutcome().note()).startsWith("removed 2 members, 0 groups, 0 memberships");
        assertThat(status.members()).isEqualTo(8);
        assertThat(metrics.resyncsEnded()).isEqualTo(1);
        assertThat(marks()).as("the marks go with the sweep's end").isZero();
    }

    @Test
    void shouldLetANewerResyncBeginAndEnd_WhileAnOlderOneStillSweeps() {
        processor = stepping(stateDir);
        tenMembers();
        processor.send(begin("resync_1", "members", false, false, 100, 500));
        snapshotOfMembers("resync_1", 8);
        processor.send(end("resync_1"));
        assertThat(processor.sweepsLeft()).isEqualTo(1);

        // member 7 is deleted in the IdP too before the next resync's scan
        processor.send(begin("resync_2", "members", false, false, 100, 500));
        snapshotOfMembers("resync_2", 7);
        processor.send(end("resync_2"));
        assertThat(processor.sweepsLeft()).isEqualTo(2);
        processor.drainSweeps();

        assertThat(present()).containsExactlyInAnyOrder(user(0), user(1), user(2), user(3), user(4), user(5),
                user(6));
        assertThat(metrics.resyncsEnded()).isEqualTo(2);
        assertThat(status().resyncState()).isEqualTo("completed");
        assertThat(status().members()).isEqualTo(7);
        assertThat(marks()).isZero();
    }

    @Test
    void shouldHoldAfterCountingInSteps_RemovingNothing() {
        processor = stepping(stateDir);
        tenMembers();
        processor.send(begin("resync_1", "members", false, false, 20, 500));
        snapshotOfMembers("resync_1", 6);
        processor.send(end("resync_1"));
        processor.drainSweeps();

        assertThat(present()).hasSize(10);
        assertThat(status().resyncState()).isEqualTo("held");
        assertThat(status().resyncOutcome().note()).contains("4 of 10 members present (40.0%)");
    }

    @Test
    void shouldRemoveAMembershipTheSnapshotLacks_AndSkipThePassesWithNothingToRemove() {
        processor = stepping(stateDir);
        tenMembers();
        processor.send(aGroupEvent().created().forGroup("directory_group_1").at(T0.plusSeconds(20)));
        for (int i = 0; i < 10; i++) {
            processor.send(aMembershipEvent().added().ofUser(user(i)).inGroup("directory_group_1")
                    .at(T0.plusSeconds(30 + i)));
        }

        // a resync of groups that lists everything: 21 entities counted two a step, and nothing to go through again
        processor.send(begin("resync_1", "groups", false, false, 100, 500));
        groupSnapshot("resync_1", -1);
        processor.send(end("resync_1"));
        int counted = 1 + processor.drainSweeps();
        assertThat(status().resyncState()).isEqualTo("completed");
        assertThat(status().resyncOutcome().memberships()).isZero();
        assertThat(counted).as("the count pass only").isLessThanOrEqualTo(12);

        // one that lacks member 3's membership: it goes, member 3 and the group stay
        processor.send(begin("resync_2", "groups", false, false, 100, 500));
        groupSnapshot("resync_2", 3);
        processor.send(end("resync_2"));
        int removing = 1 + processor.drainSweeps();
        assertThat(status().resyncOutcome().memberships()).isEqualTo(1);
        assertThat(removing).as("the count pass, then the one membership it noted, not all ten again")
                .isBetween(counted, counted + 1);
        assertThat(processor.membershipState().get(ORG + "/directory_group_1/" + user(3)).removed()).isTrue();
        assertThat(processor.membershipState().values().stream().filter(m -> !m.removed()).count()).isEqualTo(9);
        assertThat(present()).hasSize(10);
        assertThat(processor.groupState().get(ORG + "/directory_group_1").removed()).isFalse();
    }

    @Test
    void shouldRemoveADirectoryInSteps_KeepingItsOlderChangesStale_AndItsNewerOnes() {
        processor = stepping(stateDir);
        for (int i = 1; i <= 6; i++) {
            processor.send(aUserEvent().created().inDirectory(OKTA).forUser(user(i)).at(T0));
        }
        processor.send(aGroupEvent().created().inDirectory(OKTA).forGroup("directory_group_1").at(T0));
        for (int i = 1; i <= 6; i++) {
            processor.send(aMembershipEvent().added().inDirectory(OKTA).ofUser(user(i)).inGroup("directory_group_1")
                    .at(T0.plusSeconds(1)));
        }
        processor.members();

        processor.send(aDirectoryEvent().deleted().inDirectory(OKTA).withEventId("event_DIR").at(T0.plusSeconds(60)));
        assertThat(processor.sweepsLeft()).isEqualTo(1);
        assertThat(processor.members()).as("the first step: one member (a removal costs more than two reads)")
                .hasSize(1);

        // an older change of a member the removal has not reached yet is stale all the same
        processor.send(aUserEvent().updated().inDirectory(OKTA).forUser(user(6)).withFirstName("Late")
                .at(T0.plusSeconds(30)));
        assertThat(processor.members()).isEmpty();
        // the directory is activated again and member 5 changes, before the removal reaches it
        processor.send(aDirectoryEvent().activated().inDirectory(OKTA).at(T0.plusSeconds(120)),
                aUserEvent().updated().inDirectory(OKTA).forUser(user(5)).withFirstName("Back")
                        .at(T0.plusSeconds(130)));
        int steps = processor.drainSweeps();

        assertThat(metrics.sweepSteps()).as("every step timed, the dsync.deleted's first").isEqualTo(steps + 1);
        assertThat(present()).containsExactly(user(5));
        assertThat(processor.membershipState().values()).allMatch(s -> s.removed());
        assertThat(processor.groupState().get(ORG + "/directory_group_1").removed()).isTrue();
        SyncStatus status = processor.statusState().get(ORG);
        assertThat(status.members()).isEqualTo(1);
        assertThat(status.groups()).isZero();
        assertThat(status.memberships()).isZero();
    }

    private ProcessorHarness stepping(Path dir) {
        return new ProcessorHarness(dir, Map.of("SCIM_SYNC_PROCESSOR_SWEEP_STEP", "2"), metrics);
    }

    private void tenMembers() {
        for (int i = 0; i < 10; i++) {
            processor.send(aUserEvent().created().forUser(user(i)).at(T0.plusSeconds(i)));
        }
    }

    /** Items for members 0..users-1. */
    private void snapshotOfMembers(String resyncId, int users) {
        for (int i = 0; i < users; i++) {
            processor.send(aUserEvent().fromResync().ofResync(resyncId).forUser(user(i)).updatedAt(T0.plusSeconds(i))
                    .withEventId(resyncId + "_" + (i + 1)).at(SCAN));
        }
    }

    /** Items for group 1 and its memberships of members 0-9, but for {@code missing}'s (-1: none missing). */
    private void groupSnapshot(String resyncId, int missing) {
        int sequence = 1;
        processor.send(aGroupEvent().fromResync().ofResync(resyncId).forGroup("directory_group_1")
                .updatedAt(T0.plusSeconds(20)).withEventId(resyncId + "_" + sequence++).at(SCAN));
        for (int i = 0; i < 10; i++) {
            if (i != missing) {
                processor.send(aMembershipEvent().fromResync().ofResync(resyncId).ofUser(user(i))
                        .inGroup("directory_group_1").withEventId(resyncId + "_" + sequence++).at(SCAN));
            }
        }
    }

    private Sweep sweep() {
        try (var it = processor.<Sweep>store(StateStores.SWEEPS).all()) {
            return it.next().value;
        }
    }

    /** The status as the processor holds it (read from its store: emitting it would let the wall clock run). */
    private SyncStatus status() {
        return processor.<SyncStatus>store(StateStores.STATUS).get(ORG);
    }

    private List<String> present() {
        return processor.memberState().values().stream()
                .filter(m -> !m.removed() && m.organizationId().equals(ORG)).map(Member::directoryUserId).toList();
    }

    private int marks() {
        int marks = 0;
        try (var it = processor.<String>store(StateStores.RESYNC_SEEN).all()) {
            while (it.hasNext()) {
                it.next();
                marks++;
            }
        }
        return marks;
    }
}
