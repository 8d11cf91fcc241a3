package dev.scimsync.emulator.persist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.events.EventLog;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.model.EmulatorModel;
import dev.scimsync.emulator.model.PersistedModel;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** The persist file: the model and the event log as one JSON document, replaced atomically. */
public final class StateFile {

    private final Path path;

    public StateFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** Loads the file into the (empty) model and log; a missing file leaves them empty. */
    public boolean loadInto(EmulatorModel model, EventLog events) {
        if (!Files.exists(path)) {
            return false;
        }
        try {
            JsonNode root = Json.MAPPER.readTree(path.toFile());
            model.restore(Json.MAPPER.treeToValue(root.get("model"), PersistedModel.class));
            List<ObjectNode> persisted = new ArrayList<>();
            root.path("events").forEach(e -> persisted.add((ObjectNode) e));
            events.restore(persisted);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("reading emulator state from " + path, e);
        }
    }

    public void save(EmulatorModel model, EventLog events) {
        ObjectNode root = Json.object();
        root.set("model", Json.MAPPER.valueToTree(model.export()));
        ArrayNode array = root.putArray("events");
        events.renderAll().forEach(array::add);
        try {
            Path parent = path.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, path.getFileName().toString(), ".tmp");
            try (OutputStream out = Files.newOutputStream(temp)) {
                Json.MAPPER.writeValue(out, root);
            }
            // readers (a restart) see either the old or the new file, never half of one
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing emulator state to " + path, e);
        }
    }
}
