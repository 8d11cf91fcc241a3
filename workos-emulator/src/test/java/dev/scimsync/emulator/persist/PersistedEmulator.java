package dev.scimsync.emulator.persist;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.events.EventLog;
import dev.scimsync.emulator.events.StoredEvent;
import dev.scimsync.emulator.ids.IdGenerator;
import dev.scimsync.emulator.model.EmulatorModel;
import dev.scimsync.emulator.model.PersistedModel;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The emulator's state with persistence on, without HTTP: what a restart must restore. */
final class PersistedEmulator implements AutoCloseable {

    /** Compacts after 64 KiB of journal, so a test of a few hundred changes sees several snapshots. */
    static final Persistence.Policy SMALL = new Persistence.Policy(64 << 10, Duration.ofMillis(50));

    final EmulatorModel model;
    final EventLog events;
    final Persistence persistence;

    private PersistedEmulator(EmulatorModel model, EventLog events, Persistence persistence) {
        this.model = model;
        this.events = events;
        this.persistence = persistence;
    }

    static PersistedEmulator open(Path file) {
        return open(file, Persistence.Policy.DEFAULTS);
    }

    static PersistedEmulator open(Path file, Persistence.Policy policy) {
        IdGenerator ids = new IdGenerator(Clock.systemUTC(), System.nanoTime());
        EventLog events = new EventLog(ids);
        EmulatorModel model = new EmulatorModel(ids, Clock.systemUTC(), events, true);
        return new PersistedEmulator(model, events, Persistence.open(file, model, events, policy));
    }

    /** Everything a consumer or a restart can see: the model, and every event with its organization. */
    State state() {
        List<StoredEvent> all = events.all();
        return new State(model.export(), all.stream().map(e -> e.id() + " " + e.type() + " " + e.organizationId()).toList(),
                events.renderAll());
    }

    @Override
    public void close() {
        persistence.close();
    }

    record State(PersistedModel model, List<String> eventKeys, List<ObjectNode> renderedEvents) {
    }
}
