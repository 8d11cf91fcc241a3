package dev.scimsync.emulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.sun.net.httpserver.HttpExchange;
import dev.scimsync.emulator.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A thin wrapper over {@link HttpExchange}: path segments, query, JSON in and out. */
public final class Exchange {

    public static final String JSON = "application/json";

    private final HttpExchange exchange;
    private final List<String> segments;
    private final Map<String, String> query;
    private boolean responded;

    public Exchange(HttpExchange exchange) {
        this.exchange = exchange;
        String path = exchange.getRequestURI().getRawPath();
        this.segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).map(Exchange::decode).toList();
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    /** The decoded, non-empty path segments, e.g. {@code [directory_users, directory_user_01…]}. */
    public List<String> segments() {
        return segments;
    }

    public String query(String name) {
        return query.get(name);
    }

    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** The request body as JSON; a missing body is {@code null} JSON. */
    public JsonNode body() {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            return bytes.length == 0 ? NullNode.getInstance() : Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new HttpError(400, Json.object().put("message", "request body is not valid JSON: " + e.getMessage()));
        }
    }

    public void respond(int status, JsonNode body) {
        respond(status, body, JSON, Map.of());
    }

    public void respond(int status, JsonNode body, String contentType, Map<String, String> headers) {
        try {
            byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
            responded = true;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + status + " response for " + method() + " "
                    + exchange.getRequestURI().getPath(), e);
        }
    }

    public void respondEmpty(int status) {
        try {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            responded = true;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + status + " response", e);
        }
    }

    boolean responded() {
        return responded;
    }

    private static Map<String, String> parseQuery(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.merge(name, value, (a, b) -> a + "," + b); // repeated events=a&events=b → "a,b"
        }
        return params;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
