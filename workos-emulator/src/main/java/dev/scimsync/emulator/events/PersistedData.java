package dev.scimsync.emulator.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.json.Json;

import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * The {@code data} of a persisted event (journaled or restored from disk), kept as its JSON text,
 * a fraction of a tree's memory, and parsed on each read. Snapshots copy the text as it is instead
 * of rendering every event again.
 */
public record PersistedData(String json) implements Supplier<ObjectNode> {

    @Override
    public ObjectNode get() {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("persisted event data is not JSON", e);
        }
    }
}
