package dev.scimsync.processor;

import static dev.scimsync.processor.fixtures.DirectoryEventBuilder.aDirectoryEvent;
import static dev.scimsync.processor.fixtures.EventBuilder.T0;
import static dev.scimsync.processor.fixtures.MembershipEventBuilder.aMembershipEvent;
import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.model.Member;
import dev.scimsync.processor.fixtures.ProcessorHarness;
import dev.scimsync.processor.metrics.ProcessorMetrics;
import dev.scimsync.processor.state.DirectoryStateProcessor;
import dev.scimsync.processor.state.StateStores;

class DeduplicationTest {

    @TempDir
    Path stateDir;

    private final List<String> reported = new ArrayList<>();
    private ProcessorHarness processor;

    /** An hour of dedup retention, purged every ten minutes. */
    private static final Map<String, String> ONE_HOUR = Map.of("SCIM_SYNC_PROCESSOR_DEDUP_RETENTION", "PT1H",
            "SCIM_SYNC_PROCESSOR_PURGE_INTERVAL", "PT10M");
    private static final Duration PURGE_INTERVAL = Duration.ofMinutes(10);

    @BeforeEach
    void start() {
        processor = harness(stateDir, Map.of());
    }

    private ProcessorHarness harness(Path dir, Map<String, String> settings) {
        return new ProcessorHarness(dir, settings, new ProcessorMetrics() {
            @Override
            public void applied(String eventType) {
                reported.add("applied " + eventType);
            }

            @Override
            public void duplicate(String eventType) {
                reported.add("duplicate " + eventType);
            }

            @Override
            public void stale(String eventType) {
                reported.add("stale " + eventType);
            }
        });
    }

    /** The event ids in the dedup store, oldest first. */
    private static List<String> remembered(ProcessorHarness harness) {
        KeyValueStore<String, String> store = harness.store(StateStores.DEDUP);
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, String> entry = it.next();
                ids.add(entry.key.substring(entry.key.indexOf('/') + 1));
            }
        }
        return ids;
    }

    @AfterEach
    void stop() {
        processor.close();
    }

    @Test
    void shouldEmitNothing_WhenTheSameEventArrivesTwice() {
        EventEnvelope created = aUserEvent().created().at(T0).build();
        processor.send(created);
        assertThat(processor.members()).hasSize(1);
        assertThat(processor.statuses()).hasSize(1);

        processor.send(created);

        assertThat(processor.members()).isEmpty();
        assertThat(processor.statuses()).isEmpty();
        assertThat(reported).containsExactly("applied dsync.user.created", "duplicate dsync.user.created");
    }

    @Test
    void shouldKeepTheIdsOfEventsApiEventsOnly_NotOfResyncItems() {
        EventEnvelope live = aUserEvent().created().forUser("directory_user_1").at(T0).build();
        EventEnvelope item = aUserEvent().fromResync().ofResync("resync_1").forUser("directory_user_2")
                .updatedAt(T0).withEventId("resync_1_1").at(T0.plusSeconds(60)).build();

        processor.send(live, item);

        assertThat(processor.members()).extracting(Member::directoryUserId)
                .containsExactly("directory_user_1", "directory_user_2");
        assertThat(remembered(processor)).containsExactly(live.eventId());
        assertThat(reported).containsExactly("applied dsync.user.created", "applied " + item.eventType());
    }

    @Test
    void shouldEmitNothing_WhenAMembershipEventIsRedeliveredAfterLaterEvents() {
        EventEnvelope added = aMembershipEvent().added().at(T0.plusSeconds(1)).build();
        processor.send(aUserEvent().created().at(T0).build(), added,
                aUserEvent().updated().withFirstName("Janet").at(T0.plusSeconds(2)).build());
        processor.members();
        processor.memberships();
        processor.statuses();

        processor.send(added);

        assertThat(processor.members()).isEmpty();
        assertThat(processor.memberships()).isEmpty();
        assertThat(processor.statuses()).isEmpty();
        assertThat(reported).last().isEqualTo("duplicate dsync.group.user_added");
    }

    @Test
    void shouldTreatTheSameContentUnderANewEventIdAsStale_WhenItsVersionIsNotNewer() {
        processor.send(aUserEvent().created().withEventId("event_2").at(T0).build());
        processor.members();

        processor.send(aUserEvent().updated().withEventId("event_1").at(T0).build());

        assertThat(processor.members()).isEmpty();
        assertThat(reported).last().isEqualTo("stale dsync.user.updated");
    }

    @Test
    void shouldStillDropADuplicate_WhenOnlyTheWallClockHasPassedTheRetention() {
        try (ProcessorHarness hourly = harness(stateDir.resolve("hourly"), ONE_HOUR)) {
            EventEnvelope created = aUserEvent().created().at(T0).build();
            hourly.send(created);
            hourly.members();

            // the retention runs from the newest created_at seen, not from the wall clock
            hourly.advanceWallClock(Duration.ofHours(3));
            hourly.send(created);

            assertThat(hourly.members()).isEmpty();
            assertThat(remembered(hourly)).containsExactly(created.eventId());
            assertThat(reported).containsExactly("applied dsync.user.created", "duplicate dsync.user.created");
        }
    }

    @Test
    void shouldForgetAnId_OnceANewerEventIsARetentionLater_AndLeaveItsRedeliveryToTheVersionRules() {
        try (ProcessorHarness hourly = harness(stateDir.resolve("hourly"), ONE_HOUR)) {
            EventEnvelope first = aUserEvent().created().forUser("directory_user_1").at(T0).build();
            EventEnvelope second = aUserEvent().created().forUser("directory_user_2").at(T0.plusMillis(1)).build();
            hourly.send(first, second, first);
            assertThat(hourly.members()).hasSize(2);
            assertThat(reported).containsExactly("applied dsync.user.created", "applied dsync.user.created",
                    "duplicate dsync.user.created");

            // exactly one retention after the first: the first is past it, the second (1 ms younger) is not
            EventEnvelope later = aUserEvent().created().forUser("directory_user_3").at(T0.plus(Duration.ofHours(1)))
                    .build();
            hourly.send(later);
            hourly.members();
            hourly.statuses();
            assertThat(remembered(hourly)).containsExactly(first.eventId(), second.eventId(), later.eventId());

            hourly.advanceWallClock(PURGE_INTERVAL);

            assertThat(remembered(hourly)).containsExactly(second.eventId(), later.eventId());
            reported.clear();
            hourly.send(first, second);
            assertThat(hourly.members()).isEmpty();
            assertThat(hourly.statuses()).isEmpty();
            assertThat(reported).containsExactly("stale dsync.user.created", "duplicate dsync.user.created");
            assertThat(remembered(hourly)).as("an id past the retention is not remembered again")
                    .containsExactly(second.eventId(), later.eventId());
        }
    }

    @Test
    void shouldNotRecogniseAnIdPastTheRetention_EvenBeforeThePurgeHasDeletedIt() {
        try (ProcessorHarness hourly = harness(stateDir.resolve("hourly"), ONE_HOUR)) {
            EventEnvelope first = aUserEvent().created().forUser("directory_user_1").at(T0).build();
            hourly.send(first).send(aUserEvent().created().forUser("directory_user_2")
                    .at(T0.plus(Duration.ofHours(2))));
            hourly.members();
            reported.clear();

            hourly.send(first);

            assertThat(remembered(hourly)).contains(first.eventId());
            assertThat(hourly.members()).isEmpty();
            assertThat(reported).containsExactly("stale dsync.user.created");
        }
    }

    @Test
    void shouldDeleteABoundedNumberOfExpiredIdsPerPunctuation_AndTheRestEveryStatusInterval() {
        int max = DirectoryStateProcessor.MAX_FORGOTTEN_IDS_PER_PUNCTUATION;
        try (ProcessorHarness hourly = harness(stateDir.resolve("hourly"), ONE_HOUR)) {
            for (int i = 0; i < max + 5; i++) {
                hourly.send(aDirectoryEvent().activated().at(T0.plusMillis(i)));
            }
            EventEnvelope newest = aDirectoryEvent().activated().at(T0.plus(Duration.ofHours(2))).build();
            hourly.send(newest);
            assertThat(remembered(hourly)).hasSize(max + 6);

            hourly.advanceWallClock(PURGE_INTERVAL);
            assertThat(remembered(hourly)).hasSize(6);

            hourly.emitPendingStatus();
            assertThat(remembered(hourly)).containsExactly(newest.eventId());

            hourly.emitPendingStatus().advanceWallClock(PURGE_INTERVAL);
            assertThat(remembered(hourly)).as("the newest id stays").containsExactly(newest.eventId());
        }
    }
}
