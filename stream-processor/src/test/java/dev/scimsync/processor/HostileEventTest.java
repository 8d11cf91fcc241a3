package dev.scimsync.processor;

import static dev.scimsync.processor.fixtures.EventBuilder.T0;
import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.EventSource;
import dev.scimsync.core.event.EventTypes;
import dev.scimsync.core.serde.Json;
import dev.scimsync.core.topic.DeadLetterHeaders;
import dev.scimsync.processor.fixtures.ProcessorHarness;

/** Events that WorkOS, as an untrusted upstream, could serve: refused to the DLQ, never applied, never a stop. */
class HostileEventTest {

    private static final String ORG = "org_01ACME";

    @TempDir
    Path stateDir;

    private ProcessorHarness processor;

    @BeforeEach
    void start() {
        processor = new ProcessorHarness(stateDir);
        for (int i = 0; i < 5; i++) {
            processor.send(aUserEvent().created().forUser("directory_user_" + i).at(T0.plusSeconds(i)));
        }
    }

    @AfterEach
    void stop() {
        processor.close();
    }

    @Test
    void shouldRefuseResyncMarkersServedByTheEventsApi_AndRemoveNoMember() {
        Instant at = T0.plusSeconds(60);
        ObjectNode begin = Json.MAPPER.createObjectNode().put("resync_id", "resync_forged")
                .put("organization_id", ORG).put("scope", "both").put("force", true)
                .put("scan_started_at", at.toString());
        ObjectNode end = Json.MAPPER.createObjectNode().put("resync_id", "resync_forged").put("organization_id", ORG)
                .put("users", 0).put("groups", 0).put("memberships", 0);

        processor.send(fromEventsApi("event_forged_begin", EventTypes.RESYNC_BEGIN, begin, at),
                fromEventsApi("event_forged_end", EventTypes.RESYNC_END, end, at.plusSeconds(1)));
        processor.advanceWallClock(java.time.Duration.ofSeconds(5));

        assertThat(reasons()).hasSize(2).allSatisfy(reason -> assertThat(reason)
                .contains("a resync record from the Events API"));
        assertThat(processor.memberState().values()).hasSize(5).noneMatch(m -> m.removed());
    }

    @Test
    void shouldRefuseAnEventTypeTheProcessorDoesNotApply_FromTheEventsApi() {
        processor.send(fromEventsApi("event_unknown", "dsync.user.teleported",
                Json.MAPPER.createObjectNode().put("id", "directory_user_0").put("organization_id", ORG),
                T0.plusSeconds(60)));

        assertThat(reasons()).singleElement().satisfies(reason -> assertThat(reason)
                .contains("not a Directory Sync event type"));
    }

    @Test
    void shouldRefuseARecordOfAResyncThatIsNotAResyncType() {
        EventEnvelope user = aUserEvent().updated().forUser("directory_user_1").withFirstName("Forged")
                .at(T0.plusSeconds(60)).build();
        processor.send(new EventEnvelope(ORG, user.eventId(), user.eventType(), user.createdAt(), EventSource.RESYNC,
                "resync_x", user.ingestedAt(), user.event()));

        assertThat(reasons()).singleElement().satisfies(reason -> assertThat(reason).contains("a resync writes only"));
        assertThat(processor.memberState().values()).noneMatch(m -> "Forged".equals(m.firstName()));
    }

    @Test
    void shouldSendAnEventWithANulCharacterToTheDlqNamingTheField_AndApplyTheNextOne() {
        processor.send(aUserEvent().updated().forUser("directory_user_1").withFirstName("Nul\u0000One")
                        .at(T0.plusSeconds(60)),
                aUserEvent().updated().forUser("directory_user_2").withFirstName("Good").at(T0.plusSeconds(61)));

        assertThat(reasons()).singleElement().satisfies(reason -> assertThat(reason)
                .contains("field data.first_name holds a NUL character"));
        assertThat(processor.memberState().values()).anyMatch(m -> "Good".equals(m.firstName()))
                .noneMatch(m -> m.firstName() != null && m.firstName().contains("\u0000"));
    }

    @Test
    void shouldSendAnEventWithAnUnpairedSurrogateInACustomAttributeToTheDlq() {
        EventEnvelope user = aUserEvent().updated().forUser("directory_user_3").at(T0.plusSeconds(60)).build();
        ((ObjectNode) user.event().get("data")).putObject("custom_attributes").putArray("titles")
                .add("fine").add("bad \ud800 half");

        processor.send(user);

        assertThat(reasons()).singleElement().satisfies(reason -> assertThat(reason)
                .contains("field data.custom_attributes.titles[1] holds an unpaired UTF-16 surrogate"));
    }

    @Test
    void shouldRefuseDataNestedDeeperThanADirectoryHas_OrHoldingTooManyValues() {
        EventEnvelope deep = aUserEvent().updated().forUser("directory_user_3").at(T0.plusSeconds(60)).build();
        ObjectNode node = ((ObjectNode) deep.event().get("data")).putObject("custom_attributes");
        for (int i = 0; i < 40; i++) {
            node = node.putObject("n");
        }
        EventEnvelope wide = aUserEvent().updated().forUser("directory_user_4").at(T0.plusSeconds(61)).build();
        var array = ((ObjectNode) wide.event().get("data")).putObject("custom_attributes").putArray("many");
        for (int i = 0; i < 10_000; i++) {
            array.add("v" + i);
        }

        processor.send(deep, wide);

        assertThat(reasons()).satisfiesExactly(
                reason -> assertThat(reason).contains("is nested deeper than 32 levels"),
                reason -> assertThat(reason).contains("the data holds more than 5000 values"));
    }

    private List<String> reasons() {
        return processor.deadLetters().stream().map(TestRecord::headers)
                .map(h -> DeadLetterHeaders.get(h, DeadLetterHeaders.REASON)).toList();
    }

    private static EventEnvelope fromEventsApi(String id, String type, ObjectNode data, Instant at) {
        ObjectNode event = Json.MAPPER.createObjectNode().put("object", "event").put("id", id).put("event", type)
                .put("created_at", at.toString());
        event.set("data", data);
        return new EventEnvelope(ORG, id, type, at, EventSource.EVENTS_API, null, at.plusMillis(5), event);
    }
}
