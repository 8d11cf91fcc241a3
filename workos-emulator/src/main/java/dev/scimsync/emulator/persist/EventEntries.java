package dev.scimsync.emulator.persist;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.scimsync.emulator.events.PersistedData;
import dev.scimsync.emulator.events.StoredEvent;
import dev.scimsync.emulator.json.Json;

import java.io.IOException;
import java.io.StringWriter;

/**
 * Events on disk, in the journal and in the snapshot alike:
 * {@code {"id","type","organization_id","data"}}. Also reads the first format's rendered events
 * ({@code {"object":"event","id","event","data","created_at"}}, no organization).
 */
final class EventEntries {

    private EventEntries() {
    }

    /** The event with its data as JSON text: written as it is and kept so, instead of rendered again. */
    static StoredEvent asText(StoredEvent event) throws IOException {
        if (event.data() instanceof PersistedData) {
            return event;
        }
        String data = Persisted.WRITER.writeValueAsString(event.data().get());
        return new StoredEvent(event.id(), event.type(), event.organizationId(), new PersistedData(data));
    }

    /** Writes one event object; {@code op} (the journal's entry type) is left out when null. */
    static void write(JsonGenerator out, String op, StoredEvent event) throws IOException {
        out.writeStartObject();
        if (op != null) {
            out.writeStringField("op", op);
        }
        out.writeStringField("id", event.id());
        out.writeStringField("type", event.type());
        out.writeStringField("organization_id", event.organizationId());
        out.writeFieldName("data");
        if (event.data() instanceof PersistedData restored) {
            out.writeRawValue(restored.json());
        } else {
            Persisted.WRITER.writeValue(out, event.data().get());
        }
        out.writeEndObject();
    }

    /**
     * Reads the rest of an event object: {@code in} is at its start or just after a field's value;
     * on return it is at the object's end. Unknown fields are skipped.
     */
    static StoredEvent readFields(JsonParser in) throws IOException {
        String id = null;
        String type = null;
        String organizationId = null;
        String data = null;
        while (in.nextToken() == JsonToken.FIELD_NAME) {
            String field = in.currentName();
            in.nextToken();
            switch (field) {
                case "id" -> id = in.getValueAsString();
                case "type", "event" -> type = in.getValueAsString();
                case "organization_id" -> organizationId = in.getValueAsString();
                case "data" -> data = copy(in);
                default -> in.skipChildren();
            }
        }
        if (id == null || type == null || data == null) {
            throw new IOException("an event needs id, type and data (at " + in.currentLocation() + ")");
        }
        if (organizationId == null) {
            organizationId = organizationOf(Json.MAPPER.readTree(data));
        }
        return new StoredEvent(id, type, organizationId, new PersistedData(data));
    }

    private static String copy(JsonParser in) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = Json.MAPPER.getFactory().createGenerator(text)) {
            out.copyCurrentStructure(in);
        }
        return text.toString();
    }

    // the first format stored rendered events only; WorkOS puts the organization in data or data.user
    private static String organizationOf(JsonNode data) {
        return data.hasNonNull("organization_id") ? data.get("organization_id").asText()
                : data.path("user").path("organization_id").asText(null);
    }
}
