package dev.scimsync.admin;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.scimsync.core.log.Redact;
import dev.scimsync.core.serde.Json;
import dev.scimsync.poller.resync.ResyncInProgressException;
import dev.scimsync.resync.ResyncService;
import dev.scimsync.verify.DriftReport;
import dev.scimsync.verify.Verifier;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The admin HTTP API: {@code /api/…} behind the bearer token; {@code /metrics} (Prometheus) and
 * {@code /health/live}, {@code /health/ready} open, as probes and scrapers expect.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final Pattern ORG_STATUS = Pattern.compile("^/api/organizations/([A-Za-z0-9_\\-]+)/status$");
    private static final Pattern ORG_VERIFY = Pattern.compile("^/api/organizations/([A-Za-z0-9_\\-]+)/verify$");
    private static final Pattern ORG_RESYNC = Pattern.compile("^/api/organizations/([A-Za-z0-9_\\-]+)/resync$");
    private static final List<String> RESYNC_PARAMETERS = List.of("scope", "dry_run", "force");

    private final HttpServer server;
    private final ExecutorService executor;
    private final AdminToken token;
    private final StatusSource status;
    private final Verifier verifier;
    private final ResyncService resyncs;
    private final PrometheusMeterRegistry metrics;

    private AdminServer(HttpServer server, ExecutorService executor, AdminToken token, StatusSource status,
                        Verifier verifier, ResyncService resyncs, PrometheusMeterRegistry metrics) {
        this.server = server;
        this.executor = executor;
        this.token = token;
        this.status = status;
        this.verifier = verifier;
        this.resyncs = resyncs;
        this.metrics = metrics;
    }

    /** An admin API without the drift check. */
    public static AdminServer start(String host, int port, AdminToken token, StatusSource status,
                                    PrometheusMeterRegistry metrics) {
        return start(host, port, token, status, null, null, metrics);
    }

    /**
     * @param verifier the drift check, or {@code null} where this process lacks WorkOS or the database
     * @param resyncs  resyncs, or {@code null} where this process does not run the poller
     */
    public static AdminServer start(String host, int port, AdminToken token, StatusSource status, Verifier verifier,
                                    ResyncService resyncs, PrometheusMeterRegistry metrics) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 50);
            ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
                Thread thread = new Thread(r, "admin-api");
                thread.setDaemon(true);
                return thread;
            });
            server.setExecutor(executor);
            AdminServer admin = new AdminServer(server, executor, token, status, verifier, resyncs, metrics);
            server.createContext("/", admin::handle);
            server.start();
            return admin;
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port
                    + " for the admin API (SCIM_SYNC_HTTP_PORT / SCIM_SYNC_HTTP_HOST): " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    private void handle(HttpExchange exchange) throws IOException {
        // the catch must answer before the exchange is closed, so it sits inside the try-with-resources
        try (exchange) {
            try {
                route(exchange);
            } catch (UnsupportedOperationException e) {
                json(exchange, 501, Map.of("error", e.getMessage()));
            } catch (RuntimeException e) {
                LOG.warn("admin API {} failed: {}", exchange.getRequestURI().getPath(), Redact.emailsIn(e.toString()));
                json(exchange, 500, Map.of("error", "internal error"));
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        boolean post = exchange.getRequestMethod().equals("POST");
        if (!exchange.getRequestMethod().equals("GET") && !(post && ORG_RESYNC.matcher(path).matches())) {
            json(exchange, 405, Map.of("error", "method not allowed"));
            return;
        }
        switch (path) {
            case "/health/live" -> json(exchange, 200, Map.of("status", "up"));
            case "/health/ready" -> ready(exchange);
            case "/metrics" -> text(exchange, 200, metrics.scrape(), "text/plain; version=0.0.4; charset=utf-8");
            default -> api(exchange, path);
        }
    }

    private void api(HttpExchange exchange, String path) throws IOException {
        if (!path.startsWith("/api/")) {
            json(exchange, 404, Map.of("error", "not found"));
            return;
        }
        if (!token.accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
            json(exchange, 401, Map.of("error", "missing or wrong bearer token (SCIM_SYNC_ADMIN_TOKEN)"));
            return;
        }
        if (path.equals("/api/organizations")) {
            json(exchange, 200, status.organizations());
            return;
        }
        Matcher m = ORG_STATUS.matcher(path);
        if (m.matches()) {
            Optional<Map<String, Object>> org = status.status(m.group(1));
            if (org.isPresent()) {
                Map<String, Object> body = new LinkedHashMap<>(org.get());
                // what this instance knows of a resync before its markers reach the database (scanning…)
                if (resyncs != null) {
                    resyncs.progress(m.group(1)).ifPresent(p -> body.put("resync_request", p));
                }
                json(exchange, 200, body);
            } else {
                json(exchange, 404, Map.of("error", "unknown organization " + m.group(1)));
            }
            return;
        }
        Matcher resync = ORG_RESYNC.matcher(path);
        if (resync.matches()) {
            resync(exchange, resync.group(1));
            return;
        }
        Matcher verify = ORG_VERIFY.matcher(path);
        if (verify.matches()) {
            verify(exchange, verify.group(1));
            return;
        }
        json(exchange, 404, Map.of("error", "not found"));
    }

    private void verify(HttpExchange exchange, String organizationId) throws IOException {
        if (verifier == null) {
            json(exchange, 501, Map.of("error", "the drift check needs WorkOS and the organization database in one "
                    + "process: ask the instance that runs `scim-sync run`"));
            return;
        }
        try {
            Optional<DriftReport> report = verifier.verify(organizationId);
            if (report.isPresent()) {
                json(exchange, 200, report.get().toJson());
            } else {
                json(exchange, 404, Map.of("error", "unknown organization " + organizationId
                        + ": WorkOS lists no directory for it and the database holds none of its members or groups"));
            }
        } catch (Verifier.VerifyBusyException e) {
            exchange.getResponseHeaders().set("Retry-After", "60");
            json(exchange, 503, Map.of("error", e.getMessage()));
        } catch (Verifier.VerifyException e) {
            LOG.warn("{}", e.getMessage());
            json(exchange, 502, Map.of("error", e.getMessage()));
        }
    }

    private void resync(HttpExchange exchange, String organizationId) throws IOException {
        if (resyncs == null) {
            json(exchange, 501, Map.of("error", "resyncs run where the poller runs: ask the instance that runs "
                    + "`scim-sync run` or `scim-sync poller`"));
            return;
        }
        if (exchange.getRequestMethod().equals("GET")) {
            Optional<Map<String, Object>> progress = resyncs.progress(organizationId);
            if (progress.isPresent()) {
                json(exchange, 200, progress.get());
            } else {
                json(exchange, 404, Map.of("error", "no resync of " + organizationId + " was asked of this instance"));
            }
            return;
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        try {
            for (String name : query.keySet()) {
                if (!RESYNC_PARAMETERS.contains(name)) {
                    throw new IllegalArgumentException("unknown parameter '" + name + "' (allowed: "
                            + String.join(", ", RESYNC_PARAMETERS) + ")");
                }
            }
            json(exchange, 202, resyncs.start(organizationId, query.get("scope"), flag(query, "dry_run"),
                    flag(query, "force")));
        } catch (IllegalArgumentException e) {
            json(exchange, 400, Map.of("error", e.getMessage()));
        } catch (ResyncInProgressException e) {
            json(exchange, 409, Map.of("error", e.getMessage()));
        }
    }

    /**
     * A boolean parameter: absent is false, only {@code true} and {@code false} are accepted (a typo must not turn
     * a dry run into a sweep).
     */
    private static boolean flag(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(name, value);
        }
        return params;
    }

    private void ready(HttpExchange exchange) throws IOException {
        Map<String, Boolean> checks = status.readiness();
        boolean ready = checks.values().stream().allMatch(Boolean::booleanValue);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "ready" : "not ready");
        body.put("checks", checks);
        json(exchange, ready ? 200 : 503, body);
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        text(exchange, status, Json.MAPPER.writeValueAsString(body), "application/json");
    }

    private static void text(HttpExchange exchange, int status, String body, String contentType) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
