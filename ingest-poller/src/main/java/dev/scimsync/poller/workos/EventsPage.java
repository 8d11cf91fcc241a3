package dev.scimsync.poller.workos;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One page of WorkOS's {@code GET /events}, as raw JSON objects in the order WorkOS returned them
 * ({@code order=asc}: oldest first).
 */
public record EventsPage(List<JsonNode> events) {

    public boolean isEmpty() {
        return events.isEmpty();
    }
}
