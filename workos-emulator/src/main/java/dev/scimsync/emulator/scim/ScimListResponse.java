package dev.scimsync.emulator.scim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.http.Exchange;
import dev.scimsync.emulator.json.Json;

import java.util.List;

/** The SCIM ListResponse and its {@code startIndex}/{@code count} paging (1-based). */
final class ScimListResponse {

    static final int DEFAULT_COUNT = 100;
    static final int MAX_COUNT = 1000;

    private ScimListResponse() {
    }

    static int startIndex(Exchange exchange) {
        return Math.max(1, intParam(exchange, "startIndex", 1));
    }

    static int count(Exchange exchange) {
        return Math.min(MAX_COUNT, Math.max(0, intParam(exchange, "count", DEFAULT_COUNT)));
    }

    static ObjectNode render(int totalResults, int startIndex, List<ObjectNode> resources) {
        ObjectNode body = Json.object();
        body.putArray("schemas").add(ScimSchemas.LIST_RESPONSE);
        body.put("totalResults", totalResults);
        body.put("startIndex", startIndex);
        body.put("itemsPerPage", resources.size());
        ArrayNode array = body.putArray("Resources");
        resources.forEach(array::add);
        return body;
    }

    private static int intParam(Exchange exchange, String name, int fallback) {
        String raw = exchange.query(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw ScimErrors.invalidValue(name + " must be an integer");
        }
    }
}
