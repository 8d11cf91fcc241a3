package dev.scimsync.processor.event;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.event.EventEnvelope;
import dev.scimsync.core.event.EventSource;
import dev.scimsync.core.serde.Json;
import dev.scimsync.core.serde.Timestamps;

/**
 * The processor's reader of the events topic: the same {@link EventEnvelope} as {@code JsonSerde}'s, read field by
 * field from the parser instead of through bean deserialization, and without the {@code raw_attributes} of the event's
 * directory user or group (in {@code data}, {@code data.user}, {@code data.group}, {@code data.previous_attributes}): the
 * IdP's own payload, often the largest part of an event, which nothing the processor derives reads. So what
 * {@link StoredText} refuses there (a NUL, too deep, too many values) no longer sends an event to the DLQ: none of it
 * would be stored. A replay by this code applies such an event that an older processor dead-lettered. Building that part of the tree was about a
 * third of the envelope's parsing, itself a quarter of the stream thread.
 *
 * <p>Every envelope {@code JsonSerde} refuses is refused here too (a {@link SerializationException}, so the DLQ
 * deserialization handler takes it); a field of the wrong JSON type, or content after the envelope, is refused rather
 * than coerced or ignored.
 */
public final class EnvelopeReader implements Deserializer<EventEnvelope> {

    static final String RAW_ATTRIBUTES = "raw_attributes";

    @Override
    public EventEnvelope deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (JsonParser p = Json.MAPPER.getFactory().createParser(data)) {
            EventEnvelope envelope = envelope(p);
            if (p.nextToken() != null) {
                throw new SerializationException("cannot parse EventEnvelope from topic " + topic
                        + ": trailing content after the envelope");
            }
            return envelope;
        } catch (IOException | IllegalArgumentException | NullPointerException | DateTimeParseException e) {
            throw new SerializationException("cannot parse EventEnvelope from topic " + topic + ": " + e.getMessage(),
                    e);
        }
    }

    private static EventEnvelope envelope(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("an envelope is a JSON object");
        }
        String organizationId = null;
        String eventId = null;
        String eventType = null;
        Instant createdAt = null;
        EventSource source = null;
        String resyncId = null;
        Instant ingestedAt = null;
        JsonNode event = null;
        String organizationName = null;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken value = p.nextToken();
            switch (field) {
                case "organization_id" -> organizationId = text(p, field);
                case "event_id" -> eventId = text(p, field);
                case "event_type" -> eventType = text(p, field);
                case "created_at" -> createdAt = instant(p, field);
                case "source" -> source = source(p);
                case "resync_id" -> resyncId = text(p, field);
                case "ingested_at" -> ingestedAt = instant(p, field);
                case "organization_name" -> organizationName = text(p, field);
                case "event" -> event = value == JsonToken.VALUE_NULL ? NullNode.getInstance() : event(p);
                default -> p.skipChildren();
            }
        }
        return new EventEnvelope(organizationId, eventId, eventType, createdAt, source, resyncId, ingestedAt, event,
                organizationName);
    }

    /** The WorkOS event: {@code data} read without the entities' raw attributes, the rest as it is. */
    private static JsonNode event(JsonParser p) throws IOException {
        if (!p.hasToken(JsonToken.START_OBJECT)) {
            return Json.MAPPER.readTree(p);
        }
        ObjectNode event = Json.MAPPER.getNodeFactory().objectNode();
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            p.nextToken();
            event.set(field, field.equals("data") ? entity(p, true) : value(p));
        }
        return event;
    }

    /**
     * A directory user, group, directory or membership pair; with {@code nested}, its {@code user}, {@code group} and
     * {@code previous_attributes} are read the same way (one level only: they hold no further entities).
     */
    private static JsonNode entity(JsonParser p, boolean nested) throws IOException {
        if (!p.hasToken(JsonToken.START_OBJECT)) {
            return Json.MAPPER.readTree(p);
        }
        ObjectNode node = Json.MAPPER.getNodeFactory().objectNode();
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            p.nextToken();
            if (field.equals(RAW_ATTRIBUTES)) {
                p.skipChildren();
            } else if (nested && (field.equals("user") || field.equals("group")
                    || field.equals("previous_attributes"))) {
                node.set(field, entity(p, false));
            } else {
                node.set(field, value(p));
            }
        }
        return node;
    }

    /** The value at the parser as Jackson's tree has it; strings, booleans and nulls without a round through it. */
    private static JsonNode value(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_STRING -> Json.MAPPER.getNodeFactory().textNode(p.getText());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.getInstance();
            default -> Json.MAPPER.readTree(p);
        };
    }

    private static String text(JsonParser p, String field) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_STRING -> p.getText();
            case VALUE_NULL -> null;
            default -> throw new IllegalArgumentException(field + " is not a string");
        };
    }

    private static Instant instant(JsonParser p, String field) throws IOException {
        String text = text(p, field);
        return text == null ? null : Timestamps.parse(text);
    }

    private static EventSource source(JsonParser p) throws IOException {
        String wire = text(p, "source");
        if (wire == null) {
            return null;
        }
        for (EventSource source : EventSource.values()) {
            if (source.wire().equals(wire)) {
                return source;
            }
        }
        throw new IllegalArgumentException("unknown source " + wire);
    }
}
