package dev.scimsync.admin;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.serde.Json;

/** One admin request and its answer, over Jetty's request, response and callback. */
final class ApiExchange {

    private static final int MAX_BODY = 64 * 1024;
    private static final int MAX_FORM = 8 * 1024;

    private final Request request;
    private final Response response;
    private final Callback callback;

    ApiExchange(Request request, Response response, Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
    }

    String method() {
        return request.getMethod();
    }

    String path() {
        return request.getHttpURI().getPath();
    }

    String header(String name) {
        return request.getHeaders().get(name);
    }

    /**
     * The query parameters, each once: an unknown or repeated name is a 400 (with {@code a=1&a=2} "last wins"
     * would turn {@code dry_run=true&dry_run=false} into a real resync).
     */
    Map<String, String> query(List<String> allowed) {
        Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        Map<String, String> query = new LinkedHashMap<>();
        for (Fields.Field field : fields) {
            if (!allowed.contains(field.getName())) {
                throw new ApiException(400, "unknown parameter '" + field.getName() + "' (allowed: "
                        + (allowed.isEmpty() ? "none" : String.join(", ", allowed)) + ")");
            }
            if (field.getValues().size() != 1) {
                throw new ApiException(400, "parameter '" + field.getName() + "' given " + field.getValues().size()
                        + " times: give it once");
            }
            query.put(field.getName(), field.getValue());
        }
        return query;
    }

    /**
     * The request's JSON object body (an empty body is {@code {}}), with only the {@code allowed} fields; anything
     * else is a 400. Bodies are small: at most 64 KiB are read.
     */
    JsonNode jsonBody(List<String> allowed) {
        if (request.getLength() > MAX_BODY) {
            throw new ApiException(413, "the request body is larger than 64 KiB");
        }
        String text;
        try (java.io.InputStream in = Content.Source.asInputStream(request)) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1); // a body without a length is read no further either
            if (bytes.length > MAX_BODY) {
                throw new ApiException(413, "the request body is larger than 64 KiB");
            }
            text = new String(bytes, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new ApiException(400, "cannot read the request body");
        }
        JsonNode body;
        try {
            body = text.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "the request body is not JSON");
        }
        if (body == null || !body.isObject()) {
            throw new ApiException(400, "the request body must be a JSON object");
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                throw new ApiException(400, "unknown field '" + name + "' (allowed: "
                        + (allowed.isEmpty() ? "none" : String.join(", ", allowed)) + ")");
            }
        });
        return body;
    }

    void header(String name, String value) {
        response.getHeaders().put(name, value);
    }

    /** Adds a header, keeping others of the same name (Set-Cookie). */
    void addHeader(String name, String value) {
        response.getHeaders().add(name, value);
    }

    /** The value of the request's cookie {@code name}, or null. */
    String cookie(String name) {
        List<org.eclipse.jetty.http.HttpCookie> cookies = Request.getCookies(request);
        if (cookies == null) {
            return null;
        }
        String value = null;
        for (org.eclipse.jetty.http.HttpCookie cookie : cookies) {
            if (cookie.getName().equals(name)) {
                value = cookie.getValue();
            }
        }
        return value;
    }

    /**
     * The request's {@code application/x-www-form-urlencoded} body (small forms only: at most 8 KiB), each name
     * once; a repeated name is a 400.
     */
    Map<String, String> formBody() {
        String text;
        try (java.io.InputStream in = Content.Source.asInputStream(request)) {
            byte[] bytes = in.readNBytes(MAX_FORM + 1);
            if (bytes.length > MAX_FORM) {
                throw new ApiException(413, "the form is larger than 8 KiB");
            }
            text = new String(bytes, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new ApiException(400, "cannot read the form");
        }
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (form.put(name, value) != null) {
                throw new ApiException(400, "form field '" + name + "' given twice");
            }
        }
        return form;
    }

    /** 303 See Other to {@code location} (after a form's POST, so reloading does not post again). */
    void redirect(String location) {
        header("Location", location);
        respond(303, "", "text/plain; charset=utf-8");
    }

    void respond(int status, Object body) {
        try {
            respond(status, Json.MAPPER.writeValueAsString(body), "application/json");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer as JSON", e);
        }
    }

    void respond(int status, String body, String contentType) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
