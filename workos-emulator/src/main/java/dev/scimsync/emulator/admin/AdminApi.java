package dev.scimsync.emulator.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.faults.Faults;
import dev.scimsync.emulator.faults.Redeliveries;
import dev.scimsync.emulator.http.Exchange;
import dev.scimsync.emulator.http.HttpError;
import dev.scimsync.emulator.http.Route;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.model.Directory;
import dev.scimsync.emulator.model.EmulatorModel;
import dev.scimsync.emulator.model.ModelException;
import dev.scimsync.emulator.model.Organization;
import dev.scimsync.emulator.model.SeedRequest;
import dev.scimsync.emulator.model.SeedResult;

import java.util.List;

/**
 * {@code /_emulator/…}: set up organizations and directories, seed and drop users, read a
 * directory snapshot, inject faults. No authentication: the emulator is a local development tool
 * bound to 127.0.0.1 by default, and tests drive it without holding any key.
 */
public final class AdminApi implements Route {

    private final EmulatorModel model;
    private final FaultsResource faults;

    public AdminApi(EmulatorModel model, Faults faults, Redeliveries redeliveries) {
        this.model = model;
        this.faults = new FaultsResource(faults, redeliveries);
    }

    @Override
    public boolean matches(Exchange exchange) {
        return !exchange.segments().isEmpty() && exchange.segments().get(0).equals("_emulator");
    }

    @Override
    public void handle(Exchange exchange) {
        try {
            dispatch(exchange, exchange.segments().subList(1, exchange.segments().size()));
        } catch (ModelException e) {
            int status = e.reason() == ModelException.Reason.NOT_FOUND ? 404
                    : e.reason() == ModelException.Reason.CONFLICT ? 409 : 400;
            throw error(status, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw error(400, e.getMessage());
        }
    }

    private void dispatch(Exchange exchange, List<String> path) {
        String route = exchange.method() + " " + String.join("/", path.stream()
                .map(segment -> segment.startsWith("directory_") ? "{id}" : segment).toList());
        switch (route) {
            case "POST organizations" -> createOrganization(exchange);
            case "GET organizations" -> listOrganizations(exchange);
            case "POST directories" -> createDirectory(exchange);
            case "GET directories" -> listDirectories(exchange);
            case "DELETE directories/{id}" -> {
                model.deleteDirectory(path.get(1));
                exchange.respondEmpty(204);
            }
            case "POST directories/{id}/seed" -> seed(exchange, path.get(1));
            case "POST directories/{id}/drop" -> drop(exchange, path.get(1));
            case "GET directories/{id}/snapshot" ->
                    exchange.respond(200, Json.SNAKE_CASE.valueToTree(model.snapshot(path.get(1))));
            case "GET faults" -> faults.get(exchange);
            case "POST faults" -> faults.set(exchange);
            case "DELETE faults" -> faults.clear(exchange);
            default -> throw error(404, "no admin endpoint " + route);
        }
    }

    private void createOrganization(Exchange exchange) {
        Organization organization = model.createOrganization(text(exchange.body(), "name"));
        exchange.respond(201, organizationJson(organization));
    }

    private void listOrganizations(Exchange exchange) {
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        model.organizations().forEach(o -> data.add(organizationJson(o)));
        exchange.respond(200, body);
    }

    private void createDirectory(Exchange exchange) {
        JsonNode body = exchange.body();
        Directory directory = model.createDirectory(text(body, "organization_id"), text(body, "name"));
        exchange.respond(201, directoryJson(directory));
    }

    private void listDirectories(Exchange exchange) {
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        model.directoryList().forEach(d -> data.add(directoryJson(d)));
        exchange.respond(200, body);
    }

    private void seed(Exchange exchange, String directoryId) {
        JsonNode body = exchange.body();
        SeedRequest request = new SeedRequest(body.path("users").asInt(0), body.path("groups").asInt(0),
                body.path("memberships_per_user").asInt(0), body.path("emit_events").asBoolean(true));
        SeedResult result = model.seed(directoryId, request);
        exchange.respond(200, Json.SNAKE_CASE.valueToTree(result));
    }

    private void drop(Exchange exchange, String directoryId) {
        JsonNode body = exchange.body();
        List<String> dropped = model.drop(directoryId, body.path("users").asInt(0),
                body.path("emit_events").asBoolean(false));
        ObjectNode response = Json.object().put("dropped", dropped.size());
        ArrayNode ids = response.putArray("user_ids");
        dropped.forEach(ids::add);
        exchange.respond(200, response);
    }

    private static ObjectNode organizationJson(Organization organization) {
        return Json.object().put("id", organization.id()).put("name", organization.name());
    }

    private static ObjectNode directoryJson(Directory directory) {
        return Json.object().put("id", directory.id()).put("organization_id", directory.organizationId())
                .put("name", directory.name()).put("scim_token", directory.scimToken())
                .put("scim_base_url", "/scim/v2/" + directory.id());
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw error(400, "'" + field + "' is required");
        }
        return value.asText();
    }

    static HttpError error(int status, String message) {
        return new HttpError(status, Json.object().put("message", message));
    }
}
