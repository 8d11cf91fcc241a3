package dev.scimsync.emulator.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.ids.IdGenerator;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.json.WorkosObjects;

import java.util.function.Supplier;

/**
 * One retained event. The payload is rendered on read from immutable model versions (or is the
 * JSON text once persisted, {@link PersistedData}), so 100,000 seeded events cost little memory.
 */
public record StoredEvent(String id, String type, String organizationId, Supplier<ObjectNode> data) {

    /** The WorkOS event object; {@code created_at} is the time encoded in the id. */
    public ObjectNode render() {
        ObjectNode node = Json.object();
        node.put("object", "event");
        node.put("id", id);
        node.put("event", type);
        node.set("data", data.get());
        node.put("created_at", WorkosObjects.timestamp(IdGenerator.timestampOf(id)));
        return node;
    }
}
