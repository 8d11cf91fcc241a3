package dev.scimsync.emulator.persist;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.scimsync.emulator.events.StoredEvent;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.model.PersistedModel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The snapshot, {@code {"format":2,"journal":N,"model":{…},"events":[…]}}: the state as of the
 * start of journal generation N. It is written beside the previous one, synced and renamed over
 * it, so a reader finds one or the other whole. The first format, {@code {"model","events"}} with
 * rendered events and no journals, still loads (as covering no journal).
 */
final class SnapshotFile {

    static final int FORMAT = 2;
    private static final int BUFFER_BYTES = 1 << 16;

    private SnapshotFile() {
    }

    /** @param nextJournal the first journal generation the snapshot does not cover */
    record Loaded(PersistedModel model, List<StoredEvent> events, long nextJournal, long bytes) {
    }

    static Loaded read(Path path) throws IOException {
        PersistedModel model = null;
        List<StoredEvent> events = new ArrayList<>();
        long nextJournal = 1;
        int format = 1;
        try (JsonParser in = Json.MAPPER.createParser(new BufferedInputStream(Files.newInputStream(path), BUFFER_BYTES))) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(path + " is not an emulator snapshot (no JSON object)");
            }
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String field = in.currentName();
                in.nextToken();
                switch (field) {
                    case "format" -> format = in.getIntValue();
                    case "journal" -> nextJournal = in.getLongValue();
                    case "model" -> model = Json.MAPPER.readValue(in, PersistedModel.class);
                    case "events" -> {
                        while (in.nextToken() == JsonToken.START_OBJECT) {
                            events.add(EventEntries.readFields(in));
                        }
                    }
                    default -> in.skipChildren();
                }
            }
        }
        if (format > FORMAT) {
            throw new IOException(path + " has snapshot format " + format + "; this emulator reads up to " + FORMAT);
        }
        if (model == null) {
            throw new IOException(path + " is not an emulator snapshot (no model)");
        }
        return new Loaded(model, events, nextJournal, Files.size(path));
    }

    /** Replaces the snapshot; returns its size. */
    static long write(JournalFiles files, PersistedModel model, List<StoredEvent> events, long nextJournal)
            throws IOException {
        Files.createDirectories(files.directory());
        Path temp = Files.createTempFile(files.directory(), files.snapshot().getFileName().toString(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 JsonGenerator out = Persisted.WRITER.createGenerator(
                         new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES))) {
                out.writeStartObject();
                out.writeNumberField("format", FORMAT);
                out.writeNumberField("journal", nextJournal);
                out.writeFieldName("model");
                Persisted.WRITER.writeValue(out, model);
                out.writeArrayFieldStart("events");
                for (StoredEvent event : events) {
                    EventEntries.write(out, null, event);
                }
                out.writeEndArray();
                out.writeEndObject();
                out.flush();
                channel.force(true);
            }
            // readers (a restart) see either the old or the new file, never half of one
            Files.move(temp, files.snapshot(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            files.syncDirectory();
            return Files.size(files.snapshot());
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
