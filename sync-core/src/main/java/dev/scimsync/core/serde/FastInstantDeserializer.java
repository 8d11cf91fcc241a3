package dev.scimsync.core.serde;

import java.io.IOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;

/**
 * Jackson's {@code Instant} deserializer (the JavaTimeModule's, with its configuration and context) in front of which
 * a text in the usual shape is read by {@link Timestamps#fast}: the same instant, without {@code DateTimeFormatter}.
 * Every other token or text (numbers, offsets, blanks, bad text) goes to Jackson's as before.
 */
final class FastInstantDeserializer extends DelegatingDeserializer {

    private static final long serialVersionUID = 1L;

    FastInstantDeserializer(JsonDeserializer<?> jackson) {
        super(jackson);
    }

    /** Wraps whatever deserializer the mapper found for {@code Instant}. */
    static BeanDeserializerModifier modifier() {
        return new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
                                                          JsonDeserializer<?> deserializer) {
                return description.getBeanClass() == Instant.class
                        ? new FastInstantDeserializer(deserializer) : deserializer;
            }
        };
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
        return new FastInstantDeserializer(newDelegatee);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.hasToken(JsonToken.VALUE_STRING)) {
            Instant fast = Timestamps.fast(p.getText());
            if (fast != null) {
                return fast;
            }
        }
        return super.deserialize(p, ctxt);
    }
}
