package dev.scimsync.emulator.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/** An error response, thrown from a handler and written by {@link EmulatorHttpHandler}. */
public final class HttpError extends RuntimeException {

    private final int status;
    private final JsonNode body;
    private final String contentType;
    private final Map<String, String> headers;

    public HttpError(int status, JsonNode body, String contentType, Map<String, String> headers) {
        super(status + " " + body);
        this.status = status;
        this.body = body;
        this.contentType = contentType;
        this.headers = Map.copyOf(headers);
    }

    public HttpError(int status, JsonNode body) {
        this(status, body, Exchange.JSON, Map.of());
    }

    public int status() {
        return status;
    }

    public JsonNode body() {
        return body;
    }

    public String contentType() {
        return contentType;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
