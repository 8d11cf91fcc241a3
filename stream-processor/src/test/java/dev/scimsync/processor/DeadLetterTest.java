package dev.scimsync.processor;

import static dev.scimsync.processor.fixtures.EventBuilder.T0;
import static dev.scimsync.processor.fixtures.MembershipEventBuilder.aMembershipEvent;
import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.serde.JsonSerde;
import dev.scimsync.core.topic.DeadLetterHeaders;
import dev.scimsync.processor.event.InvalidEventException;
import dev.scimsync.processor.fixtures.ProcessorHarness;
import dev.scimsync.processor.metrics.ProcessorMetrics;

class DeadLetterTest {

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
    void shouldSendAMalformedRecordToTheDlqWithHeaders_AndProcessTheNextRecord() {
        processor.close();
        processor = new ProcessorHarness(stateDir, java.util.Map.of(), dev.scimsync.processor.metrics.ProcessorMetrics.NONE,
                false);
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);

        processor.sendRaw("org_01ACME", garbage);
        processor.send(aUserEvent().created().at(T0));

        var deadLetters = processor.deadLetters();
        assertThat(deadLetters).singleElement().satisfies(dead -> {
            assertThat(dead.value()).isEqualTo(garbage);
            assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("org_01ACME");
            assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.STAGE)).isEqualTo("stream-processor");
            assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON)).startsWith("cannot deserialize");
            assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.EXCEPTION))
                    .isEqualTo(SerializationException.class.getName());
            assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.SOURCE))
                    .isEqualTo(processor.config().topics().events().name() + "-0@0");
        });
        assertThat(processor.members()).hasSize(1);
    }

    @Test
    void shouldSendAnEventWithoutAUserIdToTheDlqWithItsEventId_AndChangeNothing() {
        EventEnvelope good = aUserEvent().created().at(T0).build();
        ObjectNode event = good.event().deepCopy();
        ((ObjectNode) event.get("data")).remove("id");
        EventEnvelope bad = new EventEnvelope(good.organizationId(), "event_BAD", good.eventType(), good.createdAt(),
                good.source(), null, good.ingestedAt(), event);

        processor.send(bad, good);

        assertThat(processor.deadLetters()).singleElement().satisfies(dead -> {
            assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.EVENT_ID)).isEqualTo("event_BAD");
            assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.EXCEPTION))
                    .isEqualTo(InvalidEventException.class.getName());
            assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON)).contains("no 'id'");
            assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.SOURCE)).endsWith("-0@0");
            assertThat(JsonSerde.of(EventEnvelope.class).fromBytes(dead.value()).eventId()).isEqualTo("event_BAD");
        });
        assertThat(processor.members()).singleElement()
                .satisfies(m -> assertThat(m.version().eventId()).isEqualTo(good.eventId()));
    }

    @Test
    void shouldSendAnEventToTheDlq_WhenItsPayloadNamesAnotherOrganization() {
        EventEnvelope foreign = aUserEvent().created().inOrganization("org_02OTHER").at(T0).build();
        EventEnvelope misrouted = new EventEnvelope("org_01ACME", foreign.eventId(), foreign.eventType(),
                foreign.createdAt(), foreign.source(), null, foreign.ingestedAt(), foreign.event());

        processor.send(misrouted);

        assertThat(processor.deadLetters()).singleElement().satisfies(dead -> assertThat(
                DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON)).contains("org_02OTHER"));
        assertThat(processor.members()).isEmpty();
        assertThat(processor.statuses()).isEmpty();
    }

    @Test
    void shouldSendAUserRemovedToTheDlq_WhenItsPayloadNamesAnotherOrganization() {
        EventEnvelope foreign = aMembershipEvent().removed().inOrganization("org_02OTHER").at(T0).build();
        EventEnvelope misrouted = new EventEnvelope("org_01ACME", foreign.eventId(), foreign.eventType(),
                foreign.createdAt(), foreign.source(), null, foreign.ingestedAt(), foreign.event());

        processor.send(misrouted);

        assertThat(processor.deadLetters()).singleElement().satisfies(dead -> {
            assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON)).contains("org_02OTHER");
            assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.EVENT_ID)).isEqualTo(foreign.eventId());
        });
        assertThat(processor.memberships()).isEmpty();
        assertThat(processor.statuses()).isEmpty();
    }

    @Test
    void shouldStopTheProcessorAndSendNothingToTheDlq_WhenApplyingAnEventFailsAfterItsStoreWrites() {
        processor.close();
        // the metrics are reported after the stores were written and the state records forwarded
        processor = new ProcessorHarness(stateDir, java.util.Map.of(), failingOn("dsync.user.updated"));
        processor.send(aUserEvent().created().at(T0));
        processor.deadLetters();

        assertThatThrownBy(() -> processor.send(aUserEvent().updated().withFirstName("Janet").at(T0.plusSeconds(1))))
                .isInstanceOf(StreamsException.class)
                .hasRootCauseInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage("metrics broke on dsync.user.updated");

        assertThat(processor.deadLetters()).isEmpty();
    }

    @Test
    void shouldSendARecordWithoutAValueToTheDlq() {
        processor.sendRaw("org_01ACME", null);

        assertThat(processor.deadLetters()).singleElement().satisfies(dead -> assertThat(
                DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.EXCEPTION))
                .isEqualTo(InvalidEventException.class.getName()));
        assertThat(processor.statuses()).isEmpty();
    }

    private static ProcessorMetrics failingOn(String type) {
        return new ProcessorMetrics() {
            @Override
            public void applied(String eventType) {
                if (eventType.equals(type)) {
                    throw new IllegalStateException("metrics broke on " + type);
                }
            }

            @Override
            public void duplicate(String eventType) {
            }

            @Override
            public void stale(String eventType) {
            }
        };
    }
}
