package dev.scimsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.scimsync.core.model.Version;
import dev.scimsync.core.serde.Json;

class FastInstantDeserializerTest {

    /** {@link Json#MAPPER} as it was before the fast path. */
    private static final ObjectMapper JACKSON_ONLY = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);

    @Test
    void shouldReadEveryInstantLikeJacksonsDeserializer() {
        for (String value : List.of("\"2026-03-02T09:00:00Z\"", "\"2026-03-02T09:00:00.123Z\"",
                "\"2026-03-02T09:00:00.123456789Z\"", "\"2026-03-02T09:00:00.1Z\"", "\"2026-03-02T09:00:00+01:00\"",
                "\" 2026-03-02T09:00:00Z \"", "\"\"", "null", "1772442000", "1772442000.5", "\"1772442000\"",
                "\"2026-02-30T09:00:00Z\"", "\"2024-12-31T23:59:60Z\"", "\"2026-03-02T24:00:00Z\"", "\"yesterday\"",
                "[\"2026-03-02T09:00:00Z\"]", "{}")) {
            String json = "{\"at\":" + value + ",\"event_id\":\"e\"}";
            assertThat(outcome(Json.MAPPER, json)).as(json).isEqualTo(outcome(JACKSON_ONLY, json));
        }
    }

    @Test
    void shouldReadTheFastShape_WhenTheFieldIsNested() throws Exception {
        Instant at = Instant.parse("2026-03-02T09:00:00.5Z");
        assertThat(Json.MAPPER.readValue("{\"at\":\"2026-03-02T09:00:00.5Z\",\"event_id\":\"e\"}", Version.class))
                .isEqualTo(new Version(at, "e"));
    }

    @Test
    void shouldWriteEveryInstantLikeJacksonsSerializer() throws Exception {
        for (String at : List.of("2026-03-02T09:00:00Z", "2026-03-02T09:00:00.120Z", "2026-03-02T09:00:00.000001Z",
                "2026-03-02T09:00:00.123456789Z", "1970-01-01T00:00:00Z", "0999-12-31T23:59:59Z",
                "+10000-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z")) {
            Version version = new Version(Instant.parse(at), "e");
            assertThat(Json.MAPPER.writeValueAsString(version)).as(at)
                    .isEqualTo(JACKSON_ONLY.writeValueAsString(version));
        }
    }

    private static Object outcome(ObjectMapper mapper, String json) {
        try {
            return mapper.readValue(json, Version.class);
        } catch (Exception e) {
            return e.getClass();
        }
    }
}
