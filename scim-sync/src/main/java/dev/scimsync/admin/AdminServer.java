package dev.scimsync.admin;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.resync.ResyncService;
import dev.scimsync.verify.Verifier;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The admin HTTP server (Jetty): {@code /api/…} behind the bearer token; the console's pages ({@link Console}) behind
 * a session signed in with the same token; {@code /metrics} (Prometheus) and
 * {@code /health/live}, {@code /health/ready} open, as probes and scrapers expect.
 *
 * <p>No client can stall it: Jetty reads requests without holding a thread until one is complete, and closes
 * connections idle (or half-sent) for {@link AdminLimits#idleTimeout()}. The probes and {@code /metrics} are
 * answered from memory on Jetty's threads; {@code /api/…} requests, which may read the database, run on their
 * own bounded pool, so a slow database never delays liveness. Readiness is the last result of checks run in the
 * background ({@link Readiness}).
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final Server server;
    private final ServerConnector connector;
    private final String host;
    private final ThreadPoolExecutor apiThreads;
    private final Readiness readiness;
    private final AdminApi api;
    private final Console console;
    private final PrometheusMeterRegistry metrics;

    private AdminServer(String host, int port, AdminLimits limits, AdminApi api, Console console, Readiness readiness,
                        PrometheusMeterRegistry metrics) {
        this.host = host;
        this.api = api;
        this.console = console;
        this.readiness = readiness;
        this.metrics = metrics;
        this.apiThreads = new ThreadPoolExecutor(limits.apiThreads(), limits.apiThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.apiQueue()), r -> {
                    Thread thread = new Thread(r, "admin-api");
                    thread.setDaemon(true);
                    return thread;
                });
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("admin-http");
        threads.setDaemon(true);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                AdminServer.this.handle(new ApiExchange(request, response, callback));
                return true;
            }
        });
    }

    /** An admin API without the drift check, resyncs or replays. */
    public static AdminServer start(String host, int port, AdminToken token, StatusSource status,
                                    PrometheusMeterRegistry metrics) {
        return start(host, port, token, status, AdminServices.NONE, metrics, AdminLimits.DEFAULT);
    }

    /**
     * @param verifier the drift check, or {@code null} where this process lacks WorkOS or the database
     * @param resyncs  resyncs, or {@code null} where this process does not run the poller
     */
    public static AdminServer start(String host, int port, AdminToken token, StatusSource status, Verifier verifier,
                                    ResyncService resyncs, PrometheusMeterRegistry metrics) {
        return start(host, port, token, status, new AdminServices(verifier, resyncs, null), metrics,
                AdminLimits.DEFAULT);
    }

    public static AdminServer start(String host, int port, AdminToken token, StatusSource status, Verifier verifier,
                                    ResyncService resyncs, PrometheusMeterRegistry metrics, AdminLimits limits) {
        return start(host, port, token, status, new AdminServices(verifier, resyncs, null), metrics, limits);
    }

    /** The admin API with the services this process has ({@link AdminServices}: each may be absent). */
    public static AdminServer start(String host, int port, AdminToken token, StatusSource status,
                                    AdminServices services, PrometheusMeterRegistry metrics, AdminLimits limits) {
        Readiness readiness = new Readiness(status.readinessChecks(), limits.readinessInterval(),
                limits.checkTimeout());
        AdminApi api = new AdminApi(token, status, services);
        AdminServer admin = new AdminServer(host, port, limits, api,
                new Console(token, status, services, api, Clock.systemUTC()), readiness, metrics);
        try {
            admin.server.start();
        } catch (Exception e) {
            admin.close();
            throw new IllegalStateException("cannot listen on " + host + ":" + port
                    + " for the admin API (SCIM_SYNC_HTTP_PORT / SCIM_SYNC_HTTP_HOST): " + e.getMessage(), e);
        }
        readiness.start();
        return admin;
    }

    public int port() {
        return connector.getLocalPort();
    }

    public String url() {
        return "http://" + host + ":" + port();
    }

    private void handle(ApiExchange exchange) {
        String path = exchange.path();
        switch (path) {
            case "/health/live" -> probe(exchange, () -> exchange.respond(200, new ApiResponses.Liveness("up")));
            case "/health/ready" -> probe(exchange, () -> ready(exchange));
            case "/metrics" -> probe(exchange, () -> exchange.respond(200, metrics.scrape(),
                    "text/plain; version=0.0.4; charset=utf-8"));
            default -> {
                boolean console = Console.owns(path);
                if (!console && !path.startsWith("/api/")) {
                    exchange.respond(404, new ApiResponses.Error("not found"));
                    return;
                }
                try {
                    apiThreads.execute(() -> {
                        if (console) {
                            this.console.handle(exchange);
                        } else {
                            api.handle(exchange);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    exchange.header("Retry-After", "1");
                    if (console && !path.startsWith("/console/api/")) {
                        exchange.respond(503, "scim-sync is busy; reload the page in a moment.",
                                "text/plain; charset=utf-8");
                    } else {
                        exchange.respond(503, new ApiResponses.Error("the admin API is busy; try again"));
                    }
                }
            }
        }
    }

    private static void probe(ApiExchange exchange, Runnable answer) {
        if (!exchange.method().equals("GET")) {
            exchange.header("Allow", "GET");
            exchange.respond(405, new ApiResponses.Error("method not allowed"));
            return;
        }
        answer.run();
    }

    private void ready(ApiExchange exchange) {
        Map<String, Readiness.Check> checks = readiness.snapshot();
        boolean ready = checks.values().stream().allMatch(Readiness.Check::ok);
        exchange.respond(ready ? 200 : 503, new ApiResponses.ReadinessReport(ready ? "ready" : "not ready", checks));
    }

    @Override
    public void close() {
        readiness.close();
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the admin server on port {} failed: {}", connector.getLocalPort(), e.toString());
        }
        apiThreads.shutdownNow();
    }
}
