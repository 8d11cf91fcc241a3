package dev.scimsync.emulator.http.outbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.http.Exchange;
import dev.scimsync.emulator.http.HttpError;
import dev.scimsync.emulator.json.Json;

import java.util.Map;

/** Error responses in the WorkOS API's shapes. */
final class WorkosErrors {

    private WorkosErrors() {
    }

    static HttpError unauthorized() {
        return new HttpError(401, Json.object().put("code", "unauthorized")
                .put("message", "Could not authorize the request. Maybe your API key is invalid?"));
    }

    static HttpError notFound(String entity, String id) {
        return new HttpError(404, Json.object().put("code", "entity_not_found").put("entity_id", id)
                .put("message", entity + " not found: '" + id + "'."));
    }

    static HttpError invalidParameter(String field, String message) {
        ObjectNode body = Json.object().put("code", "invalid_request_parameters").put("message", message);
        body.putArray("errors").addObject().put("field", field).put("code", message);
        return new HttpError(422, body);
    }

    static HttpError invalidEventsRequest(String message) {
        return new HttpError(400, Json.object().put("code", "invalid_events_request").put("message", message));
    }

    static HttpError rateLimited(long retryAfterSeconds) {
        return new HttpError(429, Json.object().put("code", "rate_limit_exceeded")
                .put("message", "Rate limit exceeded. Retry after " + retryAfterSeconds + " seconds."),
                Exchange.JSON, Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    static HttpError injected(int status) {
        return new HttpError(status, Json.object().put("code", "server_error")
                .put("message", "Injected fault (workos-emulator)"));
    }
}
