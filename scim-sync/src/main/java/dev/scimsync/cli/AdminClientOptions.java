package dev.scimsync.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.admin.AdminToken;
import dev.scimsync.core.config.CommonSettings;
import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.core.serde.Json;
import picocli.CommandLine.Option;

/**
 * How operator commands reach a running instance: {@code --url} (default
 * {@code http://127.0.0.1:$SCIM_SYNC_HTTP_PORT}) with the token from {@code SCIM_SYNC_ADMIN_TOKEN} or, for
 * the zero-setup mode, {@code $SCIM_SYNC_DATA_DIR/admin-token}.
 */
final class AdminClientOptions {

    @Option(names = "--url", description = "admin API of a running scim-sync (default http://127.0.0.1:$SCIM_SYNC_HTTP_PORT)")
    String url;

    @Option(names = "--data-dir", description = "data directory of a zero-setup run, to find its admin token "
            + "(default $SCIM_SYNC_DATA_DIR, else ./data)")
    Path dataDir;

    /** The same settings (environment, optional properties file) as a running instance reads. */
    private final ConfigReader settings = ConfigReader.fromEnvironment();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    String baseUrl() {
        if (url != null) {
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
        Integer port = settings.get(CommonSettings.HTTP_PORT);
        return "http://127.0.0.1:" + (port == null ? CommonSettings.HTTP_PORT.defaultValue() : port);
    }

    /** Never a command-line option: a token there would show in process lists and shell history. */
    String token() {
        String configured = settings.get(CommonSettings.ADMIN_TOKEN);
        if (configured != null) {
            return configured;
        }
        Path dir = dataDir != null ? dataDir : settings.get(CommonSettings.DATA_DIR);
        String stored = AdminToken.readStored(dir);
        if (stored == null) {
            throw new AdminApiException("no admin token: set SCIM_SYNC_ADMIN_TOKEN (or SCIM_SYNC_DATA_DIR to the data "
                    + "directory of a zero-setup run)");
        }
        return stored;
    }

    /** GET a JSON document from the admin API. */
    JsonNode get(String path) {
        return get(path, Duration.ofSeconds(30));
    }

    /** GET a JSON document from the admin API, waiting up to {@code timeout} for the answer. */
    JsonNode get(String path, Duration timeout) {
        return send("GET", path, timeout);
    }

    /** POST (no body) to the admin API; the answer's JSON document. */
    JsonNode post(String path) {
        return send("POST", path, Duration.ofSeconds(30), null);
    }

    /** POST a JSON document to the admin API; the answer's JSON document. */
    JsonNode post(String path, JsonNode body) {
        return send("POST", path, Duration.ofSeconds(30), body);
    }

    /** PUT a JSON document to the admin API; the answer's JSON document. */
    JsonNode put(String path, JsonNode body) {
        return send("PUT", path, Duration.ofSeconds(120), body);
    }

    /** DELETE on the admin API; the answer's JSON document. */
    JsonNode delete(String path) {
        return send("DELETE", path, Duration.ofSeconds(30), null);
    }

    private JsonNode send(String method, String path, Duration timeout) {
        return send(method, path, timeout, null);
    }

    private JsonNode send(String method, String path, Duration timeout, JsonNode body) {
        String target = baseUrl() + path;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(target))
                    .timeout(timeout)
                    .header("Authorization", "Bearer " + token())
                    .header("Accept", "application/json")
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401) {
                throw new AdminApiException("the admin API at " + baseUrl() + " refused the token "
                        + "(check SCIM_SYNC_ADMIN_TOKEN)");
            }
            if (response.statusCode() == 404) {
                throw new AdminApiException("not found: " + path + " (" + response.body() + ")", 404);
            }
            if (response.statusCode() / 100 != 2) {
                throw new AdminApiException("the admin API answered HTTP " + response.statusCode() + " to " + path
                        + errorOf(response.body()), response.statusCode());
            }
            return Json.MAPPER.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new AdminApiException("cannot reach the admin API at " + baseUrl() + " (" + e.getClass().getSimpleName()
                    + "): is scim-sync running? Use --url or SCIM_SYNC_HTTP_PORT", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminApiException("interrupted", e);
        }
    }

    /** The admin API's {@code {"error": …, "problems": […]}} text, if the body has one. */
    private static String errorOf(String body) {
        try {
            JsonNode answer = Json.MAPPER.readTree(body);
            JsonNode error = answer.get("error");
            StringBuilder text = new StringBuilder(error == null ? "" : ": " + error.asText());
            answer.path("problems").forEach(problem -> text.append("\n  - ").append(problem.asText()));
            return text.toString();
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }
}
