package dev.scimsync.emulator.http.outbound;

import dev.scimsync.emulator.events.EventLog;
import dev.scimsync.emulator.faults.Faults;
import dev.scimsync.emulator.faults.Redeliveries;
import dev.scimsync.emulator.http.Exchange;
import dev.scimsync.emulator.http.Route;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.http.HttpError;
import dev.scimsync.emulator.model.EmulatorModel;

import java.util.List;
import java.util.Set;

/**
 * The WorkOS API the poller reads. Every request passes, in order: API key, overall rate limit,
 * injected latency, injected errors; then the endpoint (which may apply its own rate limit).
 */
public final class OutboundApi implements Route {

    private static final Set<String> RESOURCES = Set.of("events", "directories", "directory_users", "directory_groups",
            "organizations");

    private final ApiKeyAuth auth;
    private final Faults faults;
    private final RateLimiter rateLimiter;
    private final EventsEndpoint events;
    private final DirectoriesEndpoint directories;
    private final DirectoryUsersEndpoint users;
    private final DirectoryGroupsEndpoint groups;
    private final OrganizationsEndpoint organizations;

    public OutboundApi(String apiKey, EmulatorModel model, EventLog eventLog, Faults faults, Redeliveries redeliveries) {
        this.auth = new ApiKeyAuth(apiKey);
        this.faults = faults;
        this.rateLimiter = new RateLimiter(faults);
        this.events = new EventsEndpoint(eventLog, redeliveries);
        this.directories = new DirectoriesEndpoint(model);
        this.users = new DirectoryUsersEndpoint(model, rateLimiter);
        this.groups = new DirectoryGroupsEndpoint(model);
        this.organizations = new OrganizationsEndpoint(model);
    }

    @Override
    public boolean matches(Exchange exchange) {
        List<String> segments = exchange.segments();
        return !segments.isEmpty() && segments.size() <= 2 && RESOURCES.contains(segments.get(0));
    }

    @Override
    public void handle(Exchange exchange) {
        auth.check(exchange);
        rateLimiter.checkGlobal();
        faults.applyLatency();
        int injected = faults.injectedErrorStatus();
        if (injected != 0) {
            throw WorkosErrors.injected(injected);
        }
        dispatch(exchange);
    }

    private void dispatch(Exchange exchange) {
        List<String> segments = exchange.segments();
        String resource = segments.get(0);
        String id = segments.size() == 2 ? segments.get(1) : null;
        String method = exchange.method();
        if (resource.equals("organizations") && id == null) {
            throw new HttpError(405, Json.object().put("message", "only GET /organizations/{id} is emulated"));
        }
        if (method.equals("GET") && id == null) {
            switch (resource) {
                case "events" -> events.list(exchange);
                case "directories" -> directories.list(exchange);
                case "directory_users" -> users.list(exchange);
                default -> groups.list(exchange);
            }
        } else if (method.equals("GET") && !resource.equals("events")) {
            switch (resource) {
                case "organizations" -> organizations.get(exchange, id);
                case "directories" -> directories.get(exchange, id);
                case "directory_users" -> users.get(exchange, id);
                default -> groups.get(exchange, id);
            }
        } else if (method.equals("DELETE") && resource.equals("directories") && id != null) {
            directories.delete(exchange, id);
        } else {
            throw new HttpError(405, Json.object().put("message", method + " is not supported on /" + resource));
        }
    }
}
