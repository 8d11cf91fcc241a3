package dev.scimsync.processor.event;

import static dev.scimsync.processor.fixtures.GroupEventBuilder.aGroupEvent;
import static dev.scimsync.processor.fixtures.MembershipEventBuilder.aMembershipEvent;
import static dev.scimsync.processor.fixtures.UserEventBuilder.aUserEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.serde.JsonSerde;
import dev.scimsync.processor.fixtures.RawAttributes;

class EnvelopeReaderTest {

    private static final JsonSerde<EventEnvelope> JACKSON = JsonSerde.of(EventEnvelope.class);
    private static final EnvelopeReader READER = new EnvelopeReader();

    @Test
    void shouldReadWhatJsonSerdeReads_WithoutTheEntitiesRawAttributes() {
        List<EventEnvelope> envelopes = List.of(
                aUserEvent().created().build(),
                aUserEvent().deleted().build(),
                aUserEvent().fromResync().ofResync("resync_1").build(),
                aGroupEvent().build(),
                aMembershipEvent().added().build(),
                aMembershipEvent().removed().build(),
                aMembershipEvent().fromResync().ofResync("resync_2").build(),
                aUserEvent().created().build().withOrganizationName("Acme \u00e9\u00e8 \"quoted\""));
        for (EventEnvelope original : envelopes) {
            EventEnvelope withRaw = RawAttributes.added(original);
            byte[] bytes = JACKSON.toBytes(withRaw);

            EventEnvelope read = READER.deserialize("events", bytes);

            assertThat(read).as(original.eventType()).isEqualTo(original);
            assertThat(JACKSON.fromBytes(bytes)).isEqualTo(withRaw);
        }
    }

    @Test
    void shouldKeepAFieldNamedRawAttributes_WhereItIsCustomerData() {
        EventEnvelope envelope = aUserEvent().created().build();
        ((ObjectNode) envelope.data().get("custom_attributes")).putObject("raw_attributes").put("cost_center", "42");
        ((ObjectNode) envelope.event()).putObject("raw_attributes").put("kept", true);

        ObjectNode previous = ((ObjectNode) envelope.data()).putObject("previous_attributes");
        previous.put("first_name", "Old");
        byte[] bytes = JACKSON.toBytes(envelope);
        previous.putObject("raw_attributes").put("displayName", "Old \u0000 name");
        byte[] withPreviousRaw = JACKSON.toBytes(envelope);

        EventEnvelope read = READER.deserialize("events", withPreviousRaw);

        assertThat(read.data().path("custom_attributes").path("raw_attributes").path("cost_center").asText())
                .isEqualTo("42");
        assertThat(read.data().path("previous_attributes").has("raw_attributes")).isFalse();
        assertThat(read).isEqualTo(READER.deserialize("events", bytes)).isEqualTo(JACKSON.fromBytes(bytes));
    }

    @Test
    void shouldReadScalarsAndUnknownFieldsAsJacksonsTreeDoes() throws Exception {
        String json = """
                {"organization_id":"org_1","event_id":"event_1","event_type":"dsync.user.updated",
                 "created_at":"2026-03-02T09:00:00.5Z","source":"events_api","ingested_at":null,"future":[1,{"a":2}],
                 "event":{"id":"event_1","data":{"id":"directory_user_1","n":12345678901,"f":1.5,"big":123456789012345678901234567890,
                 "t":true,"nul":null,"arr":[1,"x",null],"raw_attributes":{"deep":[{"x":1}]}},"created_at":"2026-03-02T09:00:00Z"}}
                """;
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

        EventEnvelope read = READER.deserialize("events", bytes);

        EventEnvelope expected = JACKSON.fromBytes(bytes);
        ((ObjectNode) expected.data()).remove("raw_attributes");
        assertThat(read).isEqualTo(expected);
        JsonNode data = read.data();
        assertThat(data.get("n").isLong()).isTrue();
        assertThat(data.get("big").isBigInteger()).isTrue();
        assertThat(data.get("nul").isNull()).isTrue();
        assertThat(read.ingestedAt()).isNull();
    }

    @Test
    void shouldRefuseWhatJsonSerdeRefuses_AsASerializationException() {
        for (String json : List.of("{not json", "[]", "\"text\"",
                "{\"event_id\":\"e\",\"event_type\":\"t\",\"source\":\"events_api\",\"event\":{}}",
                "{\"organization_id\":\"o\",\"event_type\":\"t\",\"source\":\"events_api\",\"event\":{}}",
                "{\"organization_id\":\"o\",\"event_id\":\"e\",\"event_type\":\"t\",\"source\":\"somewhere\",\"event\":{}}",
                "{\"organization_id\":\"o\",\"event_id\":\"e\",\"event_type\":\"t\",\"source\":\"events_api\"}",
                "{\"organization_id\":\"o\",\"event_id\":\"e\",\"event_type\":\"t\",\"source\":\"events_api\","
                        + "\"created_at\":\"yesterday\",\"event\":{}}",
                "{\"organization_id\":\"o\",\"event_id\":\"e\",\"event_type\":\"t\",\"source\":\"events_api\","
                        + "\"event\":{\"data\":{\"raw_attributes\":{\"unclosed\":[}}}")) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> JACKSON.deserialize("events", bytes)).as("JsonSerde: " + json)
                    .isInstanceOf(SerializationException.class);
            assertThatThrownBy(() -> READER.deserialize("events", bytes)).as(json)
                    .isInstanceOf(SerializationException.class).hasMessageContaining("EventEnvelope");
        }
    }

    @Test
    void shouldRefuseAFieldOfTheWrongJsonType_RatherThanCoerceIt() {
        String json = "{\"organization_id\":{\"x\":1},\"event_id\":\"e\",\"event_type\":\"t\",\"source\":\"events_api\","
                + "\"event\":{}}";
        assertThatThrownBy(() -> READER.deserialize("events", json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("organization_id");
        assertThat(READER.deserialize("events", null)).isNull();
    }
}
