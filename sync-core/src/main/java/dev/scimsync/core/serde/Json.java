package dev.scimsync.core.serde;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON configuration used on every topic: snake_case like WorkOS's own payloads, ISO-8601
 * timestamps, unknown properties ignored so that an older reader survives a newer writer.
 */
public final class Json {

    /** Shared, thread-safe mapper. Never reconfigure it after class initialisation. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            // the same instants, read without DateTimeFormatter when they have the usual shape
            .registerModule(new SimpleModule("fast-instant").setDeserializerModifier(FastInstantDeserializer.modifier())
                    .addSerializer(Instant.class, new FastInstantSerializer()))
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);

    private Json() {
    }
}
