package dev.scimsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.EventSource;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Version;
import dev.scimsync.core.serde.Json;
import dev.scimsync.core.serde.JsonSerde;
import dev.scimsync.core.topic.Topics;

class JsonSerdeTest {

    private static final String WORKOS_EVENT = """
            {"object":"event","id":"event_01HZ0000000000000000000001","event":"dsync.user.created",
             "data":{"object":"directory_user","id":"directory_user_01","organization_id":"org_01",
                     "email":"jane@example.com","custom_attributes":{"department":"R&D"}},
             "created_at":"2026-11-29T10:00:00.000Z","some_future_field":42}
            """;

    @Test
    void shouldKeepTheOriginalWorkosEventUnchanged_WhenEnvelopeRoundTrips() throws Exception {
        JsonNode event = Json.MAPPER.readTree(WORKOS_EVENT);
        EventEnvelope envelope = new EventEnvelope("org_01", "event_01HZ0000000000000000000001", "dsync.user.created",
                Instant.parse("2026-11-29T10:00:00Z"), EventSource.EVENTS_API, null,
                Instant.parse("2026-11-29T10:00:01.5Z"), event);
        var serde = Topics.defaults().events().valueSerde();

        byte[] bytes = serde.serializer().serialize("t", envelope);
        EventEnvelope back = serde.deserializer().deserialize("t", bytes);

        assertThat(back).isEqualTo(envelope);
        assertThat(back.event()).isEqualTo(event);
        assertThat(back.data().path("custom_attributes").path("department").asText()).isEqualTo("R&D");
        String json = new String(bytes, StandardCharsets.UTF_8);
        assertThat(json).contains("\"organization_id\":\"org_01\"", "\"source\":\"events_api\"",
                "\"ingested_at\":\"2026-11-29T10:00:01.500Z\"").doesNotContain("resync_id");
    }

    @Test
    void shouldRoundTripMemberWithVersion() {
        Member member = new Member("org_1", "directory_user_1", "directory_1", "idp-1", "a@example.com", "A", "B",
                "active", null, null, new Version(Instant.parse("2026-01-01T00:00:00Z"), "event_2"),
                Instant.parse("2026-01-01T00:00:01Z"), false);
        JsonSerde<Member> serde = JsonSerde.of(Member.class);

        assertThat(serde.fromBytes(serde.toBytes(member))).isEqualTo(member);
    }

    @Test
    void shouldPassTombstonesThroughAsNull() {
        JsonSerde<Member> serde = JsonSerde.of(Member.class);
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }

    @Test
    void shouldRaiseSerializationExceptionNamingTheType_WhenBytesAreNotJson() {
        JsonSerde<Member> serde = JsonSerde.of(Member.class);
        assertThatThrownBy(() -> serde.deserialize("members", "{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Member")
                .hasMessageContaining("members");
    }

    @Test
    void shouldRejectEnvelopeWithoutOrganization() {
        String json = "{\"event_id\":\"e\",\"event_type\":\"dsync.user.created\",\"source\":\"events_api\",\"event\":{}}";
        assertThatThrownBy(() -> Topics.defaults().events().valueSerde().deserializer()
                .deserialize("events", json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("organizationId");
    }
}
