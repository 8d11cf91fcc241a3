package dev.scimsync.emulator.http.outbound;

import dev.scimsync.emulator.events.EventLog;
import dev.scimsync.emulator.events.EventQuery;
import dev.scimsync.emulator.events.StoredEvent;
import dev.scimsync.emulator.faults.Redeliveries;
import dev.scimsync.emulator.http.Exchange;
import dev.scimsync.emulator.model.Page;
import dev.scimsync.emulator.model.SortOrder;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code GET /events}. */
final class EventsEndpoint {

    private final EventLog events;
    private final Redeliveries redeliveries;

    EventsEndpoint(EventLog events, Redeliveries redeliveries) {
        this.events = events;
        this.redeliveries = redeliveries;
    }

    void list(Exchange exchange) {
        EventQuery query = parse(exchange);
        Page<StoredEvent> page = redeliveries.apply(query, events.list(query));
        exchange.respond(200, ListJson.render(page, StoredEvent::render));
    }

    private static EventQuery parse(Exchange exchange) {
        String types = exchange.query("events");
        if (types == null || types.isBlank()) {
            throw WorkosErrors.invalidEventsRequest("The 'events' parameter is required: a comma-separated list "
                    + "of event types, e.g. events=dsync.user.created,dsync.user.updated");
        }
        Set<String> typeSet = Arrays.stream(types.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        // WorkOS lists default to descending; consumers of the event stream should send order=asc
        return new EventQuery(typeSet, ListParams.blankToNull(exchange.query("organization_id")),
                ListParams.blankToNull(exchange.query("after")), ListParams.blankToNull(exchange.query("before")),
                ListParams.limit(exchange), ListParams.order(exchange, SortOrder.DESC),
                instant(exchange, "range_start"), instant(exchange, "range_end"));
    }

    private static Instant instant(Exchange exchange, String name) {
        String raw = ListParams.blankToNull(exchange.query(name));
        if (raw == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(raw).toInstant();
        } catch (DateTimeParseException e) {
            throw WorkosErrors.invalidParameter(name, name + " must be an ISO 8601 timestamp");
        }
    }
}
