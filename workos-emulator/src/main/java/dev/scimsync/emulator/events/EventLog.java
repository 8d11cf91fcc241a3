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
 */
public final class EventLog implements EventSink {

    private final IdGenerator ids;
    private final TreeMap<String, StoredEvent> events = new TreeMap<>();

    public EventLog(IdGenerator ids) {
        this.ids = ids;
    }

    @Override
    public synchronized void emit(String organizationId, String directoryId, ModelChange change) {
        String id = ids.next(IdPrefix.EVENT);
        events.put(id, new StoredEvent(id, change.eventType(), organizationId, () -> EventPayloads.render(change)));
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

    /** All events rendered, oldest first (for the persist file). */
    public List<ObjectNode> renderAll() {
        List<StoredEvent> all;
        synchronized (this) {
            all = new ArrayList<>(events.values());
        }
        List<ObjectNode> rendered = new ArrayList<>(all.size());
        all.forEach(e -> rendered.add(e.render()));
        return rendered;
    }

    /** Replaces the log with persisted events (kept as their stored JSON). */
    public synchronized void restore(List<ObjectNode> persisted) {
        events.clear();
        for (ObjectNode event : persisted) {
            String id = event.path("id").asText();
            ObjectNode data = (ObjectNode) event.path("data");
            String organizationId = data.hasNonNull("organization_id") ? data.get("organization_id").asText()
                    : data.path("user").path("organization_id").asText(null);
            events.put(id, new StoredEvent(id, event.path("event").asText(), organizationId, data::deepCopy));
            ids.advancePast(id);
        }
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
