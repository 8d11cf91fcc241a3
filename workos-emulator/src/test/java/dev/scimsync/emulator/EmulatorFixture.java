package dev.scimsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scimsync.emulator.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A running emulator plus the clients tests need: the admin/SCIM client and a raw WorkOS API
 * caller that reads the event stream forward from a cursor, like the poller.
 */
public final class EmulatorFixture implements AutoCloseable {

    public static final String ALL_DSYNC_EVENTS = String.join(",", "dsync.activated", "dsync.deleted",
            "dsync.user.created", "dsync.user.updated", "dsync.user.deleted", "dsync.group.created",
            "dsync.group.updated", "dsync.group.deleted", "dsync.group.user_added", "dsync.group.user_removed");

    private final WorkosEmulator emulator;
    private final EmulatorAdminClient admin;
    private final HttpClient http = HttpClient.newHttpClient();
    private String cursor;

    private EmulatorFixture(WorkosEmulator emulator) {
        this.emulator = emulator;
        this.admin = new EmulatorAdminClient(emulator.baseUrl());
    }

    public static EmulatorFixture start(EmulatorOptions options) {
        return new EmulatorFixture(WorkosEmulator.start(options));
    }

    public WorkosEmulator emulator() {
        return emulator;
    }

    public EmulatorAdminClient admin() {
        return admin;
    }

    /** A fresh organization with one directory. */
    public CreatedDirectory newDirectory(String name) {
        String organizationId = admin.createOrganization(name + " Inc");
        return admin.createDirectory(organizationId, name);
    }

    /** Moves the cursor to the newest event, so the next {@link #newEvents()} sees only what follows. */
    public void skipExistingEvents() {
        newEvents();
    }

    /** All events after the cursor, oldest first, following pages of 100; advances the cursor. */
    public List<JsonNode> newEvents() {
        List<JsonNode> events = new ArrayList<>();
        while (true) {
            String query = "events=" + enc(ALL_DSYNC_EVENTS) + "&order=asc&limit=100" + (cursor == null ? "" : "&after=" + cursor);
            JsonNode page = get("/events?" + query).body();
            page.get("data").forEach(events::add);
            if (page.get("data").isEmpty()) {
                return events;
            }
            cursor = page.get("data").get(page.get("data").size() - 1).get("id").asText();
        }
    }

    public List<String> newEventTypes() {
        return newEvents().stream().map(e -> e.get("event").asText()).toList();
    }

    public Response get(String pathAndQuery) {
        return get(pathAndQuery, emulator.apiKey());
    }

    /** A WorkOS API GET with the given key (null: no Authorization header). */
    public Response get(String pathAndQuery, String apiKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(emulator.baseUrl() + pathAndQuery)).GET();
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? Json.object() : Json.MAPPER.readTree(response.body());
            return new Response(response.statusCode(), body, response.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        emulator.close();
    }

    public record Response(int status, JsonNode body, String retryAfter) {
    }
}
