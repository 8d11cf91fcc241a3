package dev.scimsync.processor;

import static dev.scimsync.processor.ResyncSweepTest.marker;
import static dev.scimsync.processor.fixtures.EventBuilder.T0;
import static dev.scimsync.processor.fixtures.GroupEventBuilder.aGroupEvent;
import static dev.scimsync.processor.fixtures.MembershipEventBuilder.aMembershipEvent;
import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.EventTypes;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.core.serde.Json;
import dev.scimsync.processor.fixtures.CountingMetrics;
import dev.scimsync.processor.fixtures.EventBuilder;
import dev.scimsync.processor.fixtures.ProcessorHarness;
import dev.scimsync.processor.state.StateStores;

/**
 * A resync whose snapshot the poller publishes in chunks while it scans (a page's users, then their memberships;
 * live events of the organization between chunks) ends as the same snapshot published in one transaction did; the
 * completeness check counts the items of every chunk; a scan that stops between chunks sweeps nothing.
 */
class ChunkedResyncTest {

    private static final String ORG = "org_01ACME";
    private static final String OTHER = "org_01OTHER";
    private static final Instant SCAN = T0.plusSeconds(600);
    /** Members 0..USERS-1, each in group 1, even ones in group 2 too. */
    private static final int USERS = 30;
    /** WorkOS lists members 0..LISTED-1: the rest were deleted without events. */
    private static final int LISTED = 27;

    @TempDir
    Path stateDir;

    @Test
    void shouldEndAsTheOneTransactionSnapshotDid_WhenTheSnapshotComesInChunksWithLiveEventsBetween() {
        try (ProcessorHarness whole = seeded(stateDir.resolve("whole"));
             ProcessorHarness chunked = seeded(stateDir.resolve("chunked"))) {
            whole.send(begin("resync_1", 50, 500));
            wholeSnapshot("resync_1").forEach(whole::send);
            whole.send(end("resync_1", items()));

            chunked.send(begin("resync_1", 50, 500));
            List<List<EventBuilder<?>>> chunks = chunkedSnapshot("resync_1", 10);
            assertThat(chunks).hasSizeGreaterThan(2);
            for (List<EventBuilder<?>> chunk : chunks) {
                chunk.forEach(chunked::send);
                // another organization of the partition goes on between two transactions of the resync
                chunked.send(aUserEvent().updated().inOrganization(OTHER).forUser("directory_user_x")
                        .at(SCAN.plusSeconds(chunks.indexOf(chunk))));
            }
            chunked.send(end("resync_1", items()));

            assertThat(present(chunked)).hasSize(LISTED).isEqualTo(present(whole));
            assertThat(chunked.memberState().values()).filteredOn(m -> m.organizationId().equals(ORG))
                    .containsExactlyInAnyOrderElementsOf(whole.memberState().values());
            assertThat(chunked.groupState()).isEqualTo(whole.groupState());
            assertThat(chunked.membershipState()).isEqualTo(whole.membershipState());
            SyncStatus wholeStatus = whole.emitPendingStatus().statusState().get(ORG);
            SyncStatus chunkedStatus = chunked.emitPendingStatus().statusState().get(ORG);
            assertThat(chunkedStatus.resyncState()).isEqualTo("completed");
            assertThat(chunkedStatus.resyncOutcome()).isEqualTo(wholeStatus.resyncOutcome());
            assertThat(chunkedStatus.resyncOutcome().members()).isEqualTo(USERS - LISTED);
            assertThat(chunkedStatus.members()).isEqualTo(wholeStatus.members());
            assertThat(chunkedStatus.memberships()).isEqualTo(wholeStatus.memberships());
        }
    }

    @Test
    void shouldSweepNothing_WhenAnItemOfAMiddleChunkNeverReachedTheStores() {
        try (ProcessorHarness processor = seeded(stateDir)) {
            processor.send(begin("resync_1", 50, 500));
            List<List<EventBuilder<?>>> chunks = chunkedSnapshot("resync_1", 10);
            for (int c = 0; c < chunks.size(); c++) {
                List<EventBuilder<?>> chunk = chunks.get(c);
                // the second chunk's first item went to the dead-letter topic
                (c == 1 ? chunk.subList(1, chunk.size()) : chunk).forEach(processor::send);
            }
            processor.send(end("resync_1", items()));

            assertThat(present(processor)).hasSize(USERS);
            SyncStatus status = processor.emitPendingStatus().statusState().get(ORG);
            assertThat(status.resyncState()).isEqualTo("failed");
            assertThat(status.resyncOutcome().note()).contains((items() - 1) + " of its " + items() + " items");
        }
    }

    @Test
    void shouldSweepNothing_WhenTheScanStoppedBetweenChunks_AndSweepWithTheNextCompleteResync() {
        try (ProcessorHarness processor = seeded(stateDir)) {
            processor.send(begin("resync_1", 50, 500));
            List<List<EventBuilder<?>>> chunks = chunkedSnapshot("resync_1", 10);
            // the poller crashed after two chunks: no end marker, not even an aborted one
            chunks.get(0).forEach(processor::send);
            chunks.get(1).forEach(processor::send);
            assertThat(present(processor)).as("what the chunks listed is applied, nothing is swept").hasSize(USERS);

            processor.send(begin("resync_2", 50, 500, SCAN.plusSeconds(60)));
            assertThat(processor.statuses()).extracting(SyncStatus::resyncId, SyncStatus::resyncState)
                    .contains(org.assertj.core.groups.Tuple.tuple("resync_1", "failed"));
            assertThat(present(processor)).hasSize(USERS);
            try (var seen = processor.<String>store(StateStores.RESYNC_SEEN).prefixScan("resync_1|",
                    new org.apache.kafka.common.serialization.StringSerializer())) {
                assertThat(seen.hasNext()).as("the marks of the stopped resync are forgotten").isFalse();
            }

            chunkedSnapshot("resync_2", 10).forEach(chunk -> chunk.forEach(processor::send));
            processor.send(end("resync_2", items()));
            assertThat(present(processor)).hasSize(LISTED);
            assertThat(processor.emitPendingStatus().statusState().get(ORG).resyncState()).isEqualTo("completed");
        }
    }

    /** The same directory in every harness, event ids included (the builders' own ids differ from run to run). */
    private static ProcessorHarness seeded(Path dir) {
        ProcessorHarness processor = new ProcessorHarness(dir, Map.of(), new CountingMetrics());
        for (int i = 0; i < USERS; i++) {
            processor.send(aUserEvent().created().forUser(user(i)).withEventId(String.format("event_1%03d", i))
                    .at(T0.plusSeconds(i)));
        }
        processor.send(aGroupEvent().created().forGroup("directory_group_1").withEventId("event_2001")
                        .at(T0.plusSeconds(100)),
                aGroupEvent().created().forGroup("directory_group_2").withEventId("event_2002")
                        .at(T0.plusSeconds(101)));
        for (int i = 0; i < USERS; i++) {
            processor.send(aMembershipEvent().added().ofUser(user(i)).inGroup("directory_group_1")
                    .withEventId(String.format("event_3%03d", i)).at(T0.plusSeconds(200 + i)));
            if (i % 2 == 0) {
                processor.send(aMembershipEvent().added().ofUser(user(i)).inGroup("directory_group_2")
                        .withEventId(String.format("event_4%03d", i)).at(T0.plusSeconds(300 + i)));
            }
        }
        return processor;
    }

    /** The items in the order of the one-transaction snapshot: all groups, all users, then all memberships. */
    private static List<EventBuilder<?>> wholeSnapshot(String resyncId) {
        List<EventBuilder<?>> items = new ArrayList<>(groupItems(resyncId));
        int sequence = items.size() + 1;
        for (int i = 0; i < LISTED; i++) {
            items.add(userItem(resyncId, i, sequence++));
        }
        for (int i = 0; i < LISTED; i++) {
            for (String group : groupsOf(i)) {
                items.add(membershipItem(resyncId, i, group, sequence++));
            }
        }
        return items;
    }

    /**
     * The items as the streaming scan publishes them: the groups, then per page of users its users and their
     * memberships; a chunk closes once it holds at least {@code chunkRecords} items (a page is never split).
     */
    private static List<List<EventBuilder<?>>> chunkedSnapshot(String resyncId, int chunkRecords) {
        int pageSize = 4;
        List<List<EventBuilder<?>>> chunks = new ArrayList<>();
        List<EventBuilder<?>> chunk = new ArrayList<>(groupItems(resyncId));
        int sequence = chunk.size() + 1;
        for (int first = 0; first < LISTED; first += pageSize) {
            int last = Math.min(first + pageSize, LISTED);
            for (int i = first; i < last; i++) {
                chunk.add(userItem(resyncId, i, sequence++));
            }
            for (int i = first; i < last; i++) {
                for (String group : groupsOf(i)) {
                    chunk.add(membershipItem(resyncId, i, group, sequence++));
                }
            }
            if (chunk.size() >= chunkRecords) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
            }
        }
        chunks.add(chunk);
        return chunks;
    }

    /** WorkOS still lists group 1 only. */
    private static List<EventBuilder<?>> groupItems(String resyncId) {
        return List.of(aGroupEvent().fromResync().ofResync(resyncId).forGroup("directory_group_1")
                .updatedAt(T0.plusSeconds(100)).withEventId(resyncId + "_1").at(SCAN));
    }

    private static List<String> groupsOf(int user) {
        return List.of("directory_group_1");
    }

    private static int items() {
        return groupItems("r").size() + LISTED + LISTED;
    }

    private static EventBuilder<?> userItem(String resyncId, int i, int sequence) {
        return aUserEvent().fromResync().ofResync(resyncId).forUser(user(i)).updatedAt(T0.plusSeconds(i))
                .withEventId(resyncId + "_" + sequence).at(SCAN);
    }

    private static EventBuilder<?> membershipItem(String resyncId, int i, String group, int sequence) {
        return aMembershipEvent().fromResync().ofResync(resyncId).ofUser(user(i)).inGroup(group)
                .withEventId(resyncId + "_" + sequence).at(SCAN);
    }

    private static List<String> present(ProcessorHarness processor) {
        return processor.memberState().values().stream()
                .filter(m -> m.organizationId().equals(ORG) && !m.removed()).map(Member::directoryUserId).sorted()
                .toList();
    }

    private static String user(int i) {
        return "directory_user_" + i;
    }

    private static EventEnvelope begin(String resyncId, int percent, int count) {
        return begin(resyncId, percent, count, SCAN);
    }

    private static EventEnvelope begin(String resyncId, int percent, int count, Instant scanStartedAt) {
        ObjectNode data = Json.MAPPER.createObjectNode().put("resync_id", resyncId).put("organization_id", ORG)
                .put("scope", "both").put("dry_run", false).put("force", false).put("max_removal_percent", percent)
                .put("max_removal_count", count).put("scan_started_at", scanStartedAt.toString());
        return marker(resyncId + "_0", EventTypes.RESYNC_BEGIN, data, scanStartedAt);
    }

    /** An end marker announcing {@code items} snapshot items. */
    private static EventEnvelope end(String resyncId, int items) {
        return marker(resyncId + "_end", EventTypes.RESYNC_END, Json.MAPPER.createObjectNode()
                .put("resync_id", resyncId).put("organization_id", ORG).put("users", LISTED)
                .put("groups", items - 2 * LISTED).put("memberships", LISTED), SCAN);
    }
}
