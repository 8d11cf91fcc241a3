package dev.scimsync.emulator.scim;

import dev.scimsync.emulator.http.Exchange;
import dev.scimsync.emulator.http.Route;
import dev.scimsync.emulator.model.Directory;
import dev.scimsync.emulator.model.EmulatorModel;
import dev.scimsync.emulator.model.ModelException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The inbound SCIM 2.0 API an IdP drives: {@code /scim/v2/{directory_id}/Users|Groups}, each
 * directory with its own bearer token. Not subject to the outbound faults and rate limits.
 */
public final class ScimApi implements Route {

    private final EmulatorModel model;
    private final ScimUsersEndpoint users;
    private final ScimGroupsEndpoint groups;

    public ScimApi(EmulatorModel model) {
        this.model = model;
        this.users = new ScimUsersEndpoint(model);
        this.groups = new ScimGroupsEndpoint(model);
    }

    @Override
    public boolean matches(Exchange exchange) {
        List<String> s = exchange.segments();
        return s.size() >= 2 && s.get(0).equals("scim") && s.get(1).equals("v2");
    }

    @Override
    public void handle(Exchange exchange) {
        List<String> s = exchange.segments();
        if (s.size() < 4 || s.size() > 5 || !(s.get(3).equals("Users") || s.get(3).equals("Groups"))) {
            throw ScimErrors.error(404, null, "no SCIM resource at this path");
        }
        String directoryId = s.get(2);
        authenticate(exchange, directoryId);
        String id = s.size() == 5 ? s.get(4) : null;
        try {
            if (s.get(3).equals("Users")) {
                dispatchUsers(exchange, directoryId, id);
            } else {
                dispatchGroups(exchange, directoryId, id);
            }
        } catch (ModelException e) {
            throw ScimErrors.from(e);
        }
    }

    private void authenticate(Exchange exchange, String directoryId) {
        String token = model.directory(directoryId).map(Directory::scimToken).orElse(null);
        String header = exchange.header("Authorization");
        if (token == null || header == null || !MessageDigest.isEqual(("Bearer " + token).getBytes(StandardCharsets.UTF_8),
                header.trim().getBytes(StandardCharsets.UTF_8))) {
            throw ScimErrors.error(401, null, "invalid or missing bearer token for this directory");
        }
    }

    private void dispatchUsers(Exchange exchange, String directoryId, String id) {
        switch (exchange.method() + (id == null ? "" : "/id")) {
            case "POST" -> users.create(exchange, directoryId);
            case "GET" -> users.list(exchange, directoryId);
            case "GET/id" -> users.get(exchange, directoryId, id);
            case "PUT/id" -> users.replace(exchange, directoryId, id);
            case "PATCH/id" -> users.patch(exchange, directoryId, id);
            case "DELETE/id" -> users.delete(exchange, directoryId, id);
            default -> throw ScimErrors.error(405, null, exchange.method() + " is not supported here");
        }
    }

    private void dispatchGroups(Exchange exchange, String directoryId, String id) {
        switch (exchange.method() + (id == null ? "" : "/id")) {
            case "POST" -> groups.create(exchange, directoryId);
            case "GET" -> groups.list(exchange, directoryId);
            case "GET/id" -> groups.get(exchange, directoryId, id);
            case "PUT/id" -> groups.replace(exchange, directoryId, id);
            case "PATCH/id" -> groups.patch(exchange, directoryId, id);
            case "DELETE/id" -> groups.delete(exchange, directoryId, id);
            default -> throw ScimErrors.error(405, null, exchange.method() + " is not supported here");
        }
    }
}
