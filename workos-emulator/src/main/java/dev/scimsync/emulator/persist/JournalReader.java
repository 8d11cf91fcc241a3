package dev.scimsync.emulator.persist;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.scimsync.emulator.events.EventLog;
import dev.scimsync.emulator.events.StoredEvent;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.model.EmulatorModel;
import dev.scimsync.emulator.model.ModelMutation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replays one journal: each change's mutations and events once its commit line is read. A journal
 * ends where its writer stopped. If that was a crash, its end may be an incomplete line or a change
 * without its commit: never acknowledged, so ignored with a warning. A line that cannot be read
 * ends the replay of that file the same way (only a damaged disk writes one); the next start, and
 * the next journal, then build on the same prefix.
 */
final class JournalReader {

    private static final Logger LOG = LoggerFactory.getLogger(JournalReader.class);

    private JournalReader() {
    }

    /** What was replayed: the changes, the size of the file and how much of its end was ignored. */
    record Result(long changes, long bytes, long ignoredBytes) {
    }

    static Result replay(Path file, EmulatorModel model, EventLog events) throws IOException {
        List<ModelMutation> mutations = new ArrayList<>();
        List<StoredEvent> emitted = new ArrayList<>();
        long changes = 0;
        long committedEnd = 0;
        String stop = null;
        try (Lines lines = new Lines(Files.newInputStream(file))) {
            while (lines.next()) {
                if (!lines.terminated()) {
                    stop = "an incomplete last line";
                    break;
                }
                String op;
                try {
                    op = read(lines, mutations, emitted);
                } catch (IOException e) {
                    stop = "an unreadable line (" + e.getMessage().lines().findFirst().orElse("") + ")";
                    break;
                }
                if (op.equals("commit")) {
                    apply(file, lines.start(), model, events, mutations, emitted);
                    changes++;
                    committedEnd = lines.end();
                }
            }
            if (stop == null && lines.end() > committedEnd) {
                stop = "a change without its commit";
            }
        }
        long size = Files.size(file);
        if (stop != null) {
            LOG.warn("Ignored the last {} bytes of {} from offset {}: {}. The process stopped while writing them, "
                    + "before the change was acknowledged.", size - committedEnd, file, committedEnd, stop);
        }
        return new Result(changes, size, size - committedEnd);
    }

    /** Reads one line into the change in progress; returns its {@code op}. */
    private static String read(Lines lines, List<ModelMutation> mutations, List<StoredEvent> emitted)
            throws IOException {
        try (JsonParser in = Json.MAPPER.createParser(lines.buffer(), 0, lines.length())) {
            if (in.nextToken() != JsonToken.START_OBJECT || in.nextToken() != JsonToken.FIELD_NAME
                    || !"op".equals(in.currentName()) || in.nextToken() != JsonToken.VALUE_STRING) {
                throw new IOException("a journal line starts with {\"op\":…}");
            }
            String op = in.getText();
            switch (op) {
                case "commit" -> { }
                case "event" -> emitted.add(EventEntries.readFields(in));
                default -> mutations.add(Persisted.MUTATION_READER.readValue(lines.buffer(), 0, lines.length()));
            }
            return op;
        }
    }

    private static void apply(Path file, long offset, EmulatorModel model, EventLog events,
                              List<ModelMutation> mutations, List<StoredEvent> emitted) {
        try {
            model.replay(mutations);
        } catch (RuntimeException e) {
            // a committed change that does not fit the state before it: the files do not belong together
            throw new IllegalStateException("replaying " + file + " (the change committed at offset " + offset
                    + ") failed: " + e.getMessage() + ". The snapshot and journals do not match.", e);
        }
        events.restore(emitted);
        mutations.clear();
        emitted.clear();
    }

    /** Lines of a file, each with its offsets, without decoding them to text. */
    private static final class Lines implements AutoCloseable {

        private final InputStream in;
        private final byte[] chunk = new byte[1 << 16];
        private int chunkPosition;
        private int chunkLimit;
        private byte[] line = new byte[1 << 12];
        private int length;
        private boolean terminated;
        private long start;
        private long end;

        Lines(InputStream in) {
            this.in = in;
        }

        /** Reads the next line; false at the end of the file. */
        boolean next() throws IOException {
            start = end;
            length = 0;
            terminated = false;
            while (true) {
                if (chunkPosition == chunkLimit) {
                    chunkLimit = in.read(chunk);
                    chunkPosition = 0;
                    if (chunkLimit <= 0) {
                        chunkLimit = 0;
                        return length > 0;
                    }
                }
                int from = chunkPosition;
                while (chunkPosition < chunkLimit && chunk[chunkPosition] != '\n') {
                    chunkPosition++;
                }
                append(from, chunkPosition - from);
                if (chunkPosition < chunkLimit) {
                    chunkPosition++; // the newline
                    end++;
                    terminated = true;
                    return true;
                }
            }
        }

        private void append(int from, int count) {
            if (length + count > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
            }
            System.arraycopy(chunk, from, line, length, count);
            length += count;
            end += count;
        }

        byte[] buffer() {
            return line;
        }

        int length() {
            return length;
        }

        boolean terminated() {
            return terminated;
        }

        /** Offset of the line's first byte. */
        long start() {
            return start;
        }

        /** Offset after the line (and its newline). */
        long end() {
            return end;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
