package dev.scimsync.processor;

import static dev.scimsync.processor.fixtures.EventBuilder.T0;
import static dev.scimsync.processor.fixtures.GroupEventBuilder.aGroupEvent;
import static dev.scimsync.processor.fixtures.MembershipEventBuilder.aMembershipEvent;
import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.EventSource;
import dev.scimsync.core.event.EventTypes;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.core.model.Version;
import dev.scimsync.core.serde.Json;
import dev.scimsync.processor.fixtures.CountingMetrics;
import dev.scimsync.processor.fixtures.ProcessorHarness;
import dev.scimsync.processor.state.StateStores;

/** The mark-and-sweep of a resync between its begin and end markers, with its safeguard and dry run. */
class ResyncSweepTest {

    static final String ORG = "org_01ACME";
    static final Instant SCAN = T0.plusSeconds(600);

    @TempDir
    Path stateDir;

    private ProcessorHarness processor;
    private final CountingMetrics metrics = new CountingMetrics();

    @BeforeEach
    void start() {
        processor = harness(stateDir, metrics);
        // ten members, two groups, each member in group 1, members 0-4 also in group 2
        for (int i = 0; i < 10; i++) {
            processor.send(aUserEvent().created().forUser(user(i)).at(T0.plusSeconds(i)));
        }
        processor.send(aGroupEvent().created().forGroup("directory_group_1").at(T0.plusSeconds(20)),
                aGroupEvent().created().forGroup("directory_group_2").at(T0.plusSeconds(21)));
        for (int i = 0; i < 10; i++) {
            processor.send(aMembershipEvent().added().ofUser(user(i)).inGroup("directory_group_1")
                    .at(T0.plusSeconds(30 + i)));
            if (i < 5) {
                processor.send(aMembershipEvent().added().ofUser(user(i)).inGroup("directory_group_2")
                        .at(T0.plusSeconds(40 + i)));
            }
        }
    }

    /** The processor under test: the default sweep step (the whole organization in one step). */
    ProcessorHarness harness(Path dir, CountingMetrics counting) {
        return new ProcessorHarness(dir, Map.of(), counting);
    }

    @AfterEach
    void stop() {
        processor.close();
    }

    @Test
    void shouldRemoveWhatTheSnapshotLacks_AndKeepWhatItListed() {
        processor.send(begin("resync_1", "both", false, false, 50, 500));
        // WorkOS lists members 0-7 (8 and 9 were deleted without events), group 1 only, and group 1's members 0-7
        snapshot("resync_1", 8, true);
        processor.send(end("resync_1"));

        assertThat(present()).containsExactlyInAnyOrder(user(0), user(1), user(2), user(3), user(4), user(5), user(6),
                user(7));
        assertThat(processor.groupState().get(ORG + "/directory_group_2").removed()).isTrue();
        assertThat(processor.membershipState().values().stream().filter(s -> !s.removed()).count()).isEqualTo(8);
        SyncStatus status = processor.emitPendingStatus().statusState().get(ORG);
        assertThat(status.resyncId()).isEqualTo("resync_1");
        assertThat(status.resyncState()).isEqualTo("completed");
        assertThat(status.members()).isEqualTo(8);
        assertThat(status.groups()).isEqualTo(1);
        assertThat(status.memberships()).isEqualTo(8);
        assertThat(status.resyncOutcome().members()).isEqualTo(2);
        assertThat(status.resyncOutcome().groups()).isEqualTo(1);
        // 9 and 8 in group 1, 0-4 in group 2 (with the group)
        assertThat(status.resyncOutcome().memberships()).isEqualTo(7);
        assertThat(status.resyncOutcome().note()).startsWith("removed 2 members, 1 groups, 7 memberships");
        try (var seen = processor.<String>store(StateStores.RESYNC_SEEN).all()) {
            assertThat(seen.hasNext()).as("the marks of an ended resync are forgotten").isFalse();
        }
        assertThat(processor.<Object>store(StateStores.RESYNCS).get(ORG)).isNull();
    }

    @Test
    void shouldKeepWhatALiveEventTouchedDuringTheScan_EvenWhenTheSnapshotMissedIt() {
        processor.send(begin("resync_1", "members", false, false, 50, 500));
        snapshot("resync_1", 8, false);
        // member 9 changed in the IdP while the scan ran (after its page was read): the snapshot lacks it
        processor.send(aUserEvent().updated().forUser(user(9)).withFirstName("Renamed").at(SCAN.plusSeconds(3)));
        processor.send(end("resync_1"));

        assertThat(present()).contains(user(9)).doesNotContain(user(8));
    }

    @Test
    void shouldHoldTheSweep_WhenItWouldRemoveMoreThanTheSafeguardAllows() {
        processor.send(begin("resync_1", "members", false, false, 20, 500));
        snapshot("resync_1", 7, false);
        processor.send(end("resync_1"));

        assertThat(present()).hasSize(10);
        SyncStatus status = processor.emitPendingStatus().statusState().get(ORG);
        assertThat(status.resyncState()).isEqualTo("held");
        assertThat(status.resyncOutcome().members()).isEqualTo(3);
        assertThat(status.resyncOutcome().note()).contains("3 of 10 members present (30.0%)").contains("20% / 500");

        // the same resync forced removes them
        processor.send(begin("resync_2", "members", false, true, 20, 500));
        snapshot("resync_2", 7, false);
        processor.send(end("resync_2"));
        assertThat(present()).hasSize(7);
        assertThat(processor.emitPendingStatus().statusState().get(ORG).resyncState()).isEqualTo("completed");
        assertThat(metrics.resyncsEnded()).as("each end marker's work timed: the hold, then the sweep").isEqualTo(2);
    }

    @Test
    void shouldHoldOnTheCountLimitToo() {
        processor.send(begin("resync_1", "members", false, false, 100, 2));
        snapshot("resync_1", 7, false);
        processor.send(end("resync_1"));

        assertThat(present()).hasSize(10);
        assertThat(processor.emitPendingStatus().statusState().get(ORG).resyncState()).isEqualTo("held");
    }

    @Test
    void shouldOnlyReportInADryRun() {
        processor.send(begin("resync_1-dry", "both", true, false, 100, 500));
        snapshot("resync_1-dry", 6, true);
        processor.send(end("resync_1-dry"));

        assertThat(present()).hasSize(10);
        assertThat(processor.groupState().get(ORG + "/directory_group_2").removed()).isFalse();
        SyncStatus status = processor.emitPendingStatus().statusState().get(ORG);
        assertThat(status.resyncState()).isEqualTo("previewed");
        assertThat(status.resyncOutcome().dryRun()).isTrue();
        assertThat(status.resyncOutcome().note()).startsWith("dry run: would remove 4 members, 1 groups");
    }

    @Test
    void shouldSweepNothing_WhenTheResyncWasAbortedOrAnotherReplacedIt() {
        processor.send(begin("resync_1", "members", false, false, 100, 500));
        processor.send(aborted("resync_1"));
        assertThat(present()).hasSize(10);
        assertThat(processor.emitPendingStatus().statusState().get(ORG).resyncState()).isEqualTo("failed");

        // a newer begin ends the open resync as failed; its own end marker then changes nothing
        processor.send(begin("resync_2", "members", false, false, 100, 500));
        processor.send(begin("resync_3", "members", false, false, 100, 500));
        assertThat(processor.statuses()).extracting(SyncStatus::resyncId, SyncStatus::resyncState)
                .contains(org.assertj.core.groups.Tuple.tuple("resync_2", "failed"));
        snapshot("resync_2", 2, false);
        snapshot("resync_3", 10, false);
        processor.send(end("resync_2"));
        assertThat(present()).hasSize(10);
        processor.send(end("resync_3"));
        assertThat(present()).hasSize(10);
        assertThat(processor.emitPendingStatus().statusState().get(ORG).resyncId()).isEqualTo("resync_3");
    }

    @Test
    void shouldNotLetAnOlderLiveUpdateBringASweptMemberBack() {
        processor.send(begin("resync_1", "members", false, false, 100, 500));
        snapshot("resync_1", 9, false);
        processor.send(end("resync_1"));
        assertThat(present()).doesNotContain(user(9));

        // an update WorkOS made before the scan, delivered late
        processor.send(aUserEvent().updated().forUser(user(9)).withFirstName("Late").at(T0.plusSeconds(100)));
        assertThat(present()).doesNotContain(user(9));
    }

    @Test
    void shouldBringBackWhatAWrongSweepRemoved_WhenALaterResyncListsIt() {
        processor.send(begin("resync_1", "members", false, false, 100, 500));
        snapshot("resync_1", 9, false);
        processor.send(end("resync_1", 9));
        assertThat(present()).doesNotContain(user(9));

        Instant later = SCAN.plusSeconds(3600);
        processor.send(begin("resync_2", "members", false, false, 100, 500, later));
        for (int i = 0; i < 10; i++) {
            processor.send(aUserEvent().fromResync().ofResync("resync_2").forUser(user(i))
                    .updatedAt(T0.plusSeconds(i)).withEventId("resync_2_" + i).at(later));
        }
        processor.send(end("resync_2", 10));
        assertThat(present()).hasSize(10);
        // versioned by the later scan's start: newer than the sweep's removal, so the writer takes it too
        Member restored = processor.memberState().get(ORG + "/" + user(9));
        assertThat(restored.version()).isEqualTo(new Version(later, ""));
        assertThat(restored.version().isNewerThan(Version.sweep(SCAN, "resync_1"))).isTrue();
    }

    @Test
    void shouldSweepNothing_WhenAnItemOfTheSnapshotWentToTheDeadLetterTopic() {
        processor.send(begin("resync_1", "members", false, false, 100, 500));
        snapshot("resync_1", 8, false);
        // the end marker announces 9 items: one never reached the processor's stores
        processor.send(end("resync_1", 9));

        assertThat(present()).hasSize(10);
        SyncStatus status = processor.emitPendingStatus().statusState().get(ORG);
        assertThat(status.resyncState()).isEqualTo("failed");
        assertThat(status.resyncOutcome().note()).contains("8 of its 9 items");
    }

    @Test
    void shouldApplyNothingOfADryRunsSnapshot() {
        processor.send(begin("resync_1-dry", "members", true, false, 100, 500));
        snapshot("resync_1-dry", 10, false);
        processor.send(aUserEvent().fromResync().ofResync("resync_1-dry").forUser("directory_user_new")
                .withEventId("resync_1-dry_new").at(SCAN));
        processor.send(end("resync_1-dry", 11));

        assertThat(present()).hasSize(10).doesNotContain("directory_user_new");
        assertThat(processor.emitPendingStatus().statusState().get(ORG).resyncState()).isEqualTo("previewed");
        // an item of the dry run that is no longer open (a replaced one's late item) changes nothing either
        processor.send(aUserEvent().fromResync().ofResync("resync_1-dry").forUser("directory_user_late")
                .withEventId("resync_1-dry_late").at(SCAN));
        assertThat(present()).doesNotContain("directory_user_late");
    }

    @Test
    void shouldHoldASweepOfTooManyGroups() {
        processor.send(begin("resync_1", "groups", false, false, 20, 500));
        // the directory's groups came back empty: removing both groups of two is held
        processor.send(end("resync_1", 0));

        assertThat(processor.groupState().values()).noneMatch(g -> g.removed());
        SyncStatus status = processor.emitPendingStatus().statusState().get(ORG);
        assertThat(status.resyncState()).isEqualTo("held");
        assertThat(status.resyncOutcome().note()).contains("2 of 2 groups present");
    }

    @Test
    void shouldEndAResyncAsFailed_WhenItsEndMarkerNeverComes() {
        processor.send(begin("resync_1", "members", false, false, 100, 500));
        snapshot("resync_1", 3, false);

        processor.advanceWallClock(java.time.Duration.ofHours(5));
        assertThat(processor.emitPendingStatus().statusState().get(ORG).resyncState()).isEqualTo("running");
        processor.advanceWallClock(java.time.Duration.ofHours(2));

        SyncStatus status = processor.emitPendingStatus().statusState().get(ORG);
        assertThat(status.resyncState()).isEqualTo("failed");
        assertThat(status.resyncOutcome().note()).contains("no end marker");
        assertThat(present()).hasSize(10);
        // a late end marker of it changes nothing
        processor.send(end("resync_1", 3));
        assertThat(present()).hasSize(10);
    }

    @Test
    void shouldForgetTheMarksOfALargeResyncInBoundedBatches_AfterItsSweep() {
        int users = 1_200;
        processor.send(begin("resync_1", "members", false, false, 100, 500));
        snapshot("resync_1", users, false);
        processor.send(end("resync_1", users - 1));
        // the end marker deleted a bounded number of its marks; the rest wait for a punctuation (which the test
        // driver runs as soon as it is next asked for output)
        assertThat(marksOf("resync_1")).isEqualTo(users - 1_000);
        // the snapshot announced one item fewer than it had: no sweep, yet the marks go all the same
        assertThat(processor.statuses()).extracting(SyncStatus::resyncId, SyncStatus::resyncState)
                .contains(org.assertj.core.groups.Tuple.tuple("resync_1", "failed"));

        processor.advanceWallClock(java.time.Duration.ofSeconds(10));
        assertThat(marksOf("resync_1")).isZero();
        try (var seen = processor.<String>store(StateStores.RESYNC_SEEN).all()) {
            assertThat(seen.hasNext()).as("nothing left, not even the note of what is being forgotten").isFalse();
        }

        // the next resync of the organization marks and sweeps as ever
        processor.send(begin("resync_2", "members", false, false, 100, 500));
        int sequence = 1;
        for (int i = 0; i < users; i++) {
            if (i != 999) {
                processor.send(aUserEvent().fromResync().ofResync("resync_2").forUser(user(i))
                        .updatedAt(T0.plusSeconds(i)).withEventId("resync_2_" + sequence++).at(SCAN));
            }
        }
        processor.send(end("resync_2", users - 1));
        assertThat(present()).hasSize(users - 1).doesNotContain(user(999));
        SyncStatus status = processor.statusState().get(ORG);
        assertThat(status.resyncState()).isEqualTo("completed");
        assertThat(status.resyncOutcome().members()).isEqualTo(1);
        processor.advanceWallClock(java.time.Duration.ofSeconds(10));
        assertThat(marksOf("resync_2")).isZero();
    }

    private int marksOf(String resyncId) {
        int marks = 0;
        try (var it = processor.<String>store(StateStores.RESYNC_SEEN).prefixScan(resyncId + "|",
                new org.apache.kafka.common.serialization.StringSerializer())) {
            while (it.hasNext()) {
                it.next();
                marks++;
            }
        }
        return marks;
    }

    /** Items for members 0..users-1 and, with groups, group 1 and its memberships of those members. */
    private void snapshot(String resyncId, int users, boolean groups) {
        int sequence = 1;
        if (groups) {
            processor.send(aGroupEvent().fromResync().ofResync(resyncId).forGroup("directory_group_1")
                    .updatedAt(T0.plusSeconds(20)).withEventId(resyncId + "_" + sequence++).at(SCAN));
        }
        for (int i = 0; i < users; i++) {
            processor.send(aUserEvent().fromResync().ofResync(resyncId).forUser(user(i)).updatedAt(T0.plusSeconds(i))
                    .withEventId(resyncId + "_" + sequence++).at(SCAN));
        }
        if (groups) {
            for (int i = 0; i < users; i++) {
                processor.send(aMembershipEvent().fromResync().ofResync(resyncId).ofUser(user(i))
                        .inGroup("directory_group_1").withEventId(resyncId + "_" + sequence++).at(SCAN));
            }
        }
    }

    private java.util.List<String> present() {
        return processor.memberState().values().stream().filter(m -> !m.removed()).map(Member::directoryUserId)
                .toList();
    }

    static String user(int i) {
        return "directory_user_" + i;
    }

    static EventEnvelope begin(String resyncId, String scope, boolean dryRun, boolean force, int percent,
                               int count) {
        return begin(resyncId, scope, dryRun, force, percent, count, SCAN);
    }

    private static EventEnvelope begin(String resyncId, String scope, boolean dryRun, boolean force, int percent,
                                       int count, Instant scanStartedAt) {
        ObjectNode data = Json.MAPPER.createObjectNode().put("resync_id", resyncId).put("organization_id", ORG)
                .put("scope", scope).put("dry_run", dryRun).put("force", force).put("max_removal_percent", percent)
                .put("max_removal_count", count).put("scan_started_at", scanStartedAt.toString());
        return marker(resyncId + "_0", EventTypes.RESYNC_BEGIN, data, scanStartedAt);
    }

    /** An end marker that does not count the snapshot's items. */
    static EventEnvelope end(String resyncId) {
        return marker(resyncId + "_end", EventTypes.RESYNC_END,
                Json.MAPPER.createObjectNode().put("resync_id", resyncId).put("organization_id", ORG), SCAN);
    }

    /** An end marker announcing {@code items} snapshot items (all counted as users). */
    private static EventEnvelope end(String resyncId, int items) {
        return marker(resyncId + "_end", EventTypes.RESYNC_END, Json.MAPPER.createObjectNode()
                .put("resync_id", resyncId).put("organization_id", ORG).put("users", items).put("groups", 0)
                .put("memberships", 0), SCAN);
    }

    private static EventEnvelope aborted(String resyncId) {
        return marker(resyncId + "_end", EventTypes.RESYNC_END, Json.MAPPER.createObjectNode()
                .put("resync_id", resyncId).put("organization_id", ORG).put("aborted", true).put("reason", "HTTP 401"),
                SCAN);
    }

    /** A resync marker of {@link #ORG} as the poller publishes it (source RESYNC, its resync id from the event id). */
    static EventEnvelope marker(String id, String type, ObjectNode data, Instant at) {
        ObjectNode event = Json.MAPPER.createObjectNode().put("object", "event").put("id", id).put("event", type)
                .put("created_at", at.toString());
        event.set("data", data);
        return new EventEnvelope(ORG, id, type, at, EventSource.RESYNC, id.substring(0, id.lastIndexOf('_')),
                at.plusSeconds(1), event);
    }
}
