package dev.scimsync.emulator;

import com.sun.net.httpserver.HttpServer;
import dev.scimsync.emulator.admin.AdminApi;
import dev.scimsync.emulator.events.EventLog;
import dev.scimsync.emulator.faults.Faults;
import dev.scimsync.emulator.faults.Redeliveries;
import dev.scimsync.emulator.http.EmulatorHttpHandler;
import dev.scimsync.emulator.http.outbound.OutboundApi;
import dev.scimsync.emulator.ids.IdGenerator;
import dev.scimsync.emulator.model.EmulatorModel;
import dev.scimsync.emulator.persist.Persistence;
import dev.scimsync.emulator.scim.ScimApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WorkOS-compatible server: the Events and Directory Sync API the poller reads, a SCIM 2.0
 * endpoint per directory that an IdP (or a test) drives, and an admin API under
 * {@code /_emulator}. State is in memory, optionally persisted (a snapshot plus journals).
 */
public final class WorkosEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkosEmulator.class);
    private static final int THREADS = 4;
    static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    static {
        // The JDK's server writes a response's headers and body in two segments; with Nagle's
        // algorithm on, the body waits for the client's delayed ACK of the headers: ~44 ms per
        // keep-alive request instead of ~1 ms. The server takes TCP_NODELAY only from this
        // JVM-wide property, read once when the JVM's first HttpServer is created, so it is set
        // here, before this class can create one. An explicit -D value is left alone. A program
        // that starts another com.sun.net.httpserver before the first emulator must pass
        // -Dsun.net.httpserver.nodelay=true itself.
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
    }

    private final EmulatorOptions options;
    private final EmulatorModel model;
    private final EventLog events;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Persistence persistence;

    private WorkosEmulator(EmulatorOptions options, EmulatorModel model, EventLog events, HttpServer server,
                           ExecutorService executor, Persistence persistence) {
        this.options = options;
        this.model = model;
        this.events = events;
        this.server = server;
        this.executor = executor;
        this.persistence = persistence;
    }

    public static WorkosEmulator start(EmulatorOptions options) {
        IdGenerator ids = new IdGenerator(Clock.systemUTC(), System.nanoTime());
        EventLog events = new EventLog(ids);
        EmulatorModel model = new EmulatorModel(ids, Clock.systemUTC(), events, options.deactivateDeletes());
        Persistence persistence = options.persistFile() == null ? null
                : Persistence.open(options.persistFile(), model, events, Persistence.Policy.DEFAULTS);
        Faults faults = new Faults(options.rateLimits());
        Redeliveries redeliveries = new Redeliveries(faults);
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 64);
        } catch (IOException e) {
            executor.shutdownNow();
            if (persistence != null) {
                persistence.close();
            }
            throw new UncheckedIOException("binding the WorkOS emulator to " + options.host() + ":" + options.port(), e);
        }
        server.createContext("/", new EmulatorHttpHandler(List.of(
                new AdminApi(model, faults, redeliveries),
                new ScimApi(model),
                new OutboundApi(options.apiKey(), model, events, faults, redeliveries))));
        server.setExecutor(executor);
        server.start();
        WorkosEmulator emulator = new WorkosEmulator(options, model, events, server, executor, persistence);
        LOG.info("WorkOS emulator listening on {} ({})", emulator.baseUrl(), options);
        return emulator;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** E.g. {@code http://127.0.0.1:54321}; use it as the SDK's API base URL. */
    public String baseUrl() {
        return "http://" + options.host() + ":" + port();
    }

    public String apiKey() {
        return options.apiKey();
    }

    /** In-process access for tests and the demo. */
    public EmulatorModel model() {
        return model;
    }

    public EventLog events() {
        return events;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (persistence != null) {
            persistence.close();
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, "workos-emulator-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
