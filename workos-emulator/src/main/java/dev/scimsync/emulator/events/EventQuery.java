package dev.scimsync.emulator.events;

import dev.scimsync.emulator.model.SortOrder;

import java.time.Instant;
import java.util.Set;

/** A validated {@code GET /events} request; nullable fields are absent filters. */
public record EventQuery(Set<String> types, String organizationId, String after, String before, int limit,
                         SortOrder order, Instant rangeStart, Instant rangeEnd) {

    public boolean matches(StoredEvent event) {
        return types.contains(event.type())
                && (organizationId == null || organizationId.equals(event.organizationId()));
    }
}
