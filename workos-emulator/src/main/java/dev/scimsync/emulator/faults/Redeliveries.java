package dev.scimsync.emulator.faults;

import dev.scimsync.emulator.events.EventQuery;
import dev.scimsync.emulator.events.StoredEvent;
import dev.scimsync.emulator.model.Page;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-delivers events as WorkOS's at-least-once delivery may: a fraction of the events served is
 * remembered and served again at the start of a later page for a matching query. Putting them
 * first keeps the page's last event the newest, so a consumer's cursor still moves forward.
 */
public final class Redeliveries {

    private final Faults faults;
    private final Map<String, StoredEvent> pending = new LinkedHashMap<>();

    public Redeliveries(Faults faults) {
        this.faults = faults;
    }

    public synchronized Page<StoredEvent> apply(EventQuery query, Page<StoredEvent> fresh) {
        double rate = faults.current().duplicateEventsRate();
        // only pages with fresh events carry redeliveries, so the last event of a page is always new
        if ((rate <= 0 && pending.isEmpty()) || fresh.data().isEmpty()) {
            return fresh;
        }
        List<StoredEvent> data = new ArrayList<>();
        int room = query.limit() - 1;
        for (Iterator<StoredEvent> it = pending.values().iterator(); it.hasNext() && data.size() < room; ) {
            StoredEvent event = it.next();
            if (query.matches(event)) {
                data.add(event);
                it.remove();
            }
        }
        int freshCount = Math.min(fresh.data().size(), query.limit() - data.size());
        List<StoredEvent> served = fresh.data().subList(0, freshCount);
        data.addAll(served);
        served.forEach(event -> {
            if (Faults.chance(rate)) {
                pending.put(event.id(), event);
            }
        });
        boolean truncated = freshCount < fresh.data().size();
        String after = truncated ? served.get(served.size() - 1).id() : fresh.after();
        return new Page<>(data, fresh.before(), after);
    }

    public synchronized void clear() {
        pending.clear();
    }
}
