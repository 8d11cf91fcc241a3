package dev.scimsync.processor;

import static dev.scimsync.processor.fixtures.EventBuilder.T0;
import static dev.scimsync.processor.fixtures.MembershipEventBuilder.aMembershipEvent;
import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.processor.fixtures.ProcessorHarness;
import dev.scimsync.processor.metrics.ProcessorMetrics;

class DeduplicationTest {

    @TempDir
    Path stateDir;

    private final List<String> reported = new ArrayList<>();
    private ProcessorHarness processor;

    @BeforeEach
    void start() {
        processor = new ProcessorHarness(stateDir, Map.of(), new ProcessorMetrics() {
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
}
