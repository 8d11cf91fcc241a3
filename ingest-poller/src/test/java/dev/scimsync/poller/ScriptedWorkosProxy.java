package dev.scimsync.poller;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Sits between the poller and the WorkOS emulator: answers the next {@code GET /events} requests from a
 * script (a 429, a storm of 503s, a page that is not JSON, a crafted page…), and forwards everything else
 * unchanged. Lets tests place a fault exactly where they want it.
 */
final class ScriptedWorkosProxy implements AutoCloseable {

    /** One scripted answer. */
    record Answer(int status, Map<String, String> headers, String body) {
        /** Passes the request on to the emulator, so a fault can be placed at the Nth page. */
        static final Answer FORWARD = new Answer(-1, Map.of(), "");

        static Answer json(int status, String body) {
            return new Answer(status, Map.of("Content-Type", "application/json"), body);
        }
    }

    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final String upstream;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final AtomicInteger eventsRequests = new AtomicInteger();
    private final ConcurrentLinkedQueue<Long> eventsRequestTimes = new ConcurrentLinkedQueue<>();
    private volatile Answer always;

    ScriptedWorkosProxy(String upstream) throws IOException {
        this.upstream = upstream;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void thenAnswer(Answer... answers) {
        script.addAll(java.util.List.of(answers));
    }

    /** Once the script is done, answers every {@code GET /events} with {@code answer}, whatever it asks. */
    void thenAlwaysAnswer(Answer answer) {
        always = answer;
    }

    int eventsRequests() {
        return eventsRequests.get();
    }

    /** When each {@code GET /events} arrived ({@link System#nanoTime()}), in order. */
    java.util.List<Long> eventsRequestTimes() {
        return java.util.List.copyOf(eventsRequestTimes);
    }

    boolean scriptDone() {
        return script.isEmpty();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            boolean events = exchange.getRequestURI().getPath().equals("/events");
            if (events) {
                eventsRequests.incrementAndGet();
                eventsRequestTimes.add(System.nanoTime());
                Answer scripted = script.poll();
                if (scripted == null) {
                    scripted = always;
                }
                if (scripted != null && scripted != Answer.FORWARD) {
                    scripted.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                    write(exchange, scripted.status(), scripted.body());
                    return;
                }
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(
                            exchange.getRequestBody().readAllBytes()));
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                forward.header("Authorization", auth);
            }
            HttpResponse<String> response = client.send(forward.build(), HttpResponse.BodyHandlers.ofString());
            response.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
            response.headers().firstValue("Retry-After").ifPresent(v -> exchange.getResponseHeaders().add("Retry-After", v));
            write(exchange, response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
