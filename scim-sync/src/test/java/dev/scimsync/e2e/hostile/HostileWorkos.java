package dev.scimsync.e2e.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.scimsync.core.serde.Json;

/**
 * A fake WorkOS in front of the emulator, serving {@link HostileCorpus}: whole hostile answers to
 * {@code GET /events} (each once, in order), then the emulator's pages with the corpus's hostile events inserted
 * into the first page that has events (before its last event, so the cursor always lands on a real one), then the
 * answers that need something published first. Every other request is forwarded unchanged.
 */
final class HostileWorkos implements AutoCloseable {

    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final String upstream;
    private final ConcurrentLinkedQueue<HostileCorpus.Answer> first = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<HostileCorpus.Answer> later = new ConcurrentLinkedQueue<>();
    private final List<byte[]> injected;
    private final AtomicBoolean injectedServed = new AtomicBoolean();

    HostileWorkos(String upstream, List<HostileCorpus.Answer> answersFirst, List<byte[]> injectedEvents,
                  List<HostileCorpus.Answer> answersLater) throws IOException {
        this.upstream = upstream;
        this.first.addAll(answersFirst);
        this.later.addAll(answersLater);
        this.injected = List.copyOf(injectedEvents);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        // a slow answer must not hold up the requests behind it
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Whether every hostile answer and event was served. */
    boolean allServed() {
        return first.isEmpty() && later.isEmpty() && injectedServed.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            boolean events = exchange.getRequestURI().getPath().equals("/events");
            HostileCorpus.Answer scripted = !events ? null
                    : !first.isEmpty() ? first.poll()
                    : injectedServed.get() ? later.poll() : null;
            if (scripted != null) {
                serve(exchange, scripted);
                return;
            }
            HttpResponse<byte[]> response = forward(exchange);
            byte[] body = response.body();
            if (events && response.statusCode() == 200 && !injectedServed.get()) {
                byte[] withHostile = inject(body);
                if (withHostile != null) {
                    body = withHostile;
                    injectedServed.set(true);
                }
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            write(exchange, response.statusCode(), body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The page with the hostile events before its last event; null when the page has no event. */
    private byte[] inject(byte[] page) throws IOException {
        JsonNode parsed = Json.MAPPER.readTree(page);
        JsonNode data = parsed.get("data");
        if (data == null || !data.isArray() || data.isEmpty()) {
            return null;
        }
        // written as bytes: some hostile events are not valid UTF-8, which no JSON library would write
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("{\"data\":[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < data.size() - 1; i++) {
            body.writeBytes(Json.MAPPER.writeValueAsBytes(data.get(i)));
            body.write(',');
        }
        for (byte[] event : injected) {
            body.writeBytes(event);
            body.write(',');
        }
        body.writeBytes(Json.MAPPER.writeValueAsBytes(data.get(data.size() - 1)));
        ObjectNode rest = parsed.deepCopy();
        rest.remove("data");
        byte[] restJson = Json.MAPPER.writeValueAsBytes(rest); // "{…}": its fields follow the data array
        body.write(']');
        if (restJson.length > 2) {
            body.write(',');
        }
        body.write(restJson, 1, restJson.length - 1);
        return body.toByteArray();
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange) throws IOException, InterruptedException {
        HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
                .method(exchange.getRequestMethod(),
                        HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            forward.header("Authorization", auth);
        }
        return client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void serve(HttpExchange exchange, HostileCorpus.Answer answer) throws IOException {
        if (!answer.delay().isZero()) {
            try {
                Thread.sleep(answer.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        write(exchange, answer.status(), answer.body());
    }

    private static void write(HttpExchange exchange, int status, byte[] body) throws IOException {
        try {
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            // the client gave up (a slow answer past its timeout): nothing to answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
