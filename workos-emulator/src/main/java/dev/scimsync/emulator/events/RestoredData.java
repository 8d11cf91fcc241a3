package dev.scimsync.emulator.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.json.Json;

import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * The {@code data} of an event restored from disk, kept as its JSON text (a fraction of a tree's
 * memory) and parsed on each read; persistence writes the text back as it is.
 */
public record RestoredData(String json) implements Supplier<ObjectNode> {

    @Override
    public ObjectNode get() {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("restored event data is not JSON", e);
        }
    }
}
