package dev.scimsync.emulator.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.ids.IdGenerator;
import dev.scimsync.emulator.ids.IdPrefix;
import dev.scimsync.emulator.model.EventSink;
import dev.scimsync.emulator.model.ModelChange;
import dev.scimsync.emulator.model.Page;
import dev.scimsync.emulator.model.SortOrder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * All events ever emitted (no expiry), sorted by id. Appends and reads share this object's lock:
 * a reader never sees event N+1 without event N, so a poller's {@code after} cursor cannot skip
 * an event that was still being appended.
 *
 * <p>When the emulator persists its state, events are held back after they are emitted until the
 * journal has them ({@link #holdUntilPublished()}): a consumer never reads an event that a crash
 * could take back.
 */
public final class EventLog implements EventSink {

    private final IdGenerator ids;
    private final TreeMap<String, StoredEvent> events = new TreeMap<>();
    private final List<StoredEvent> held = new ArrayList<>();
    private boolean holding;

    public EventLog(IdGenerator ids) {
        this.ids = ids;
    }

    @Override
    public synchronized void emit(String organizationId, String directoryId, ModelChange change) {
        String id = ids.next(IdPrefix.EVENT);
        StoredEvent event = new StoredEvent(id, change.eventType(), organizationId, () -> EventPayloads.render(change));
        if (holding) {
            held.add(event);
        } else {
            events.put(id, event);
        }
    }

    /** From now on emitted events are served only once {@link #publish(List)} is called with them. */
    public synchronized void holdUntilPublished() {
        holding = true;
    }

    /** The events emitted and held since the last call, oldest first. */
    public synchronized List<StoredEvent> takeHeld() {
        if (held.isEmpty()) {
            return List.of();
        }
        List<StoredEvent> taken = new ArrayList<>(held);
        held.clear();
        return taken;
    }

    /** Serves held events, once persisted. */
    public synchronized void publish(List<StoredEvent> batch) {
        for (StoredEvent event : batch) {
            events.put(event.id(), event);
        }
    }

    /** Serves events restored from disk; ids issued later sort after theirs. */
    public synchronized void restore(List<StoredEvent> restored) {
        publish(restored);
        restored.forEach(event -> ids.advancePast(event.id()));
    }

    /**
     * One page in WorkOS form. {@code after} in the result is the last id of a full page (more
     * may follow) and null otherwise; consumers should keep their own cursor regardless.
     */
    public Page<StoredEvent> list(EventQuery query) {
        List<StoredEvent> page = new ArrayList<>(query.limit());
        synchronized (this) {
            NavigableMap<String, StoredEvent> view = events;
            if (query.rangeStart() != null) {
                view = view.tailMap(IdGenerator.lowestIdAt(IdPrefix.EVENT, query.rangeStart()), true);
            }
            if (query.rangeEnd() != null) {
                view = view.headMap(IdGenerator.lowestIdAt(IdPrefix.EVENT, query.rangeEnd().plusMillis(1)), false);
            }
            if (query.order() == SortOrder.DESC) {
                view = view.descendingMap();
            }
            if (query.before() != null) {
                collect(view.headMap(query.before(), false).descendingMap().values().iterator(), query, page);
                Collections.reverse(page);
            } else {
                NavigableMap<String, StoredEvent> tail = query.after() == null ? view : view.tailMap(query.after(), false);
                collect(tail.values().iterator(), query, page);
            }
        }
        if (page.isEmpty()) {
            return new Page<>(List.of(), null, null);
        }
        String after = page.size() == query.limit() ? page.get(page.size() - 1).id() : null;
        String before = query.after() != null || query.before() != null ? page.get(0).id() : null;
        return new Page<>(page, before, after);
    }

    public synchronized int size() {
        return events.size();
    }

    /** All events rendered, oldest first. */
    public List<ObjectNode> renderAll() {
        List<ObjectNode> rendered = new ArrayList<>();
        all().forEach(e -> rendered.add(e.render()));
        return rendered;
    }

    private static void collect(Iterator<StoredEvent> candidates, EventQuery query, List<StoredEvent> page) {
        while (candidates.hasNext() && page.size() < query.limit()) {
            StoredEvent event = candidates.next();
            if (query.matches(event)) {
                page.add(event);
            }
        }
    }

    /** For tests and the admin API: every event in id order. */
    public synchronized List<StoredEvent> all() {
        return new ArrayList<>(events.values());
    }
}
