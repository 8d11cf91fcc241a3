package dev.scimsync.emulator.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scimsync.emulator.faults.FaultSettings;
import dev.scimsync.emulator.faults.Faults;
import dev.scimsync.emulator.faults.Redeliveries;
import dev.scimsync.emulator.http.Exchange;
import dev.scimsync.emulator.json.Json;

/** {@code /_emulator/faults}: a POST replaces all settings; omitted fields take their defaults. */
final class FaultsResource {

    private final Faults faults;
    private final Redeliveries redeliveries;

    FaultsResource(Faults faults, Redeliveries redeliveries) {
        this.faults = faults;
        this.redeliveries = redeliveries;
    }

    void get(Exchange exchange) {
        exchange.respond(200, Json.SNAKE_CASE.valueToTree(faults.current()));
    }

    void set(Exchange exchange) {
        JsonNode body = exchange.body();
        FaultSettings defaults = faults.defaults();
        FaultSettings settings = new FaultSettings(
                body.path("latency_ms").asLong(defaults.latencyMs()),
                body.path("error_rate").asDouble(defaults.errorRate()),
                body.path("status").asInt(defaults.status()),
                body.path("rate_limits").asBoolean(defaults.rateLimits()),
                body.path("duplicate_events_rate").asDouble(defaults.duplicateEventsRate()));
        faults.set(settings);
        exchange.respond(200, Json.SNAKE_CASE.valueToTree(settings));
    }

    void clear(Exchange exchange) {
        faults.clear();
        redeliveries.clear();
        exchange.respondEmpty(204);
    }
}
