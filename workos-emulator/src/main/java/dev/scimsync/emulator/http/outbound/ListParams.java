package dev.scimsync.emulator.http.outbound;

import dev.scimsync.emulator.http.Exchange;
import dev.scimsync.emulator.model.PageRequest;
import dev.scimsync.emulator.model.SortOrder;

/** Parses the WorkOS pagination parameters {@code limit, before, after, order}. */
final class ListParams {

    private ListParams() {
    }

    static PageRequest pageRequest(Exchange exchange, SortOrder defaultOrder) {
        return new PageRequest(limit(exchange), blankToNull(exchange.query("before")),
                blankToNull(exchange.query("after")), order(exchange, defaultOrder));
    }

    static int limit(Exchange exchange) {
        String raw = exchange.query("limit");
        if (raw == null || raw.isEmpty()) {
            return PageRequest.DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= PageRequest.MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below like an out-of-range value
        }
        throw WorkosErrors.invalidParameter("limit", "limit must be an integer between 1 and " + PageRequest.MAX_LIMIT);
    }

    static SortOrder order(Exchange exchange, SortOrder defaultOrder) {
        try {
            return SortOrder.parse(exchange.query("order"), defaultOrder);
        } catch (IllegalArgumentException e) {
            throw WorkosErrors.invalidParameter("order", e.getMessage());
        }
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
