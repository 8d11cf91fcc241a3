package dev.scimsync.e2e.scaleout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;

import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.runtime.ScimSyncRuntime;
import dev.scimsync.runtime.Stage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One instance of one stage, as {@code scim-sync poller|processor|writer} runs it: a runtime of that stage alone, in
 * a data directory of its own (a restart reuses it, so a processor or a writer comes back with the same static group
 * membership). Counts the work its incarnations did, so that a test can tell the instances shared it.
 */
final class StageInstance implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Stage stage;
    private final String name;
    private final Map<String, String> environment;
    private ScimSyncRuntime runtime;
    private double workOfEarlierIncarnations;

    StageInstance(Stage stage, int number, Map<String, String> pipelineEnvironment, Path dataDir) {
        this.stage = stage;
        this.name = stage.name().toLowerCase() + "-" + number;
        this.environment = new HashMap<>(pipelineEnvironment);
        environment.put("SCIM_SYNC_DATA_DIR", dataDir.resolve(name).toString());
    }

    StageInstance start() {
        runtime = ScimSyncRuntime.start(ConfigReader.from(environment), EnumSet.of(stage));
        return this;
    }

    /** Stops it as SIGTERM does (the runtime's ordered close); its work so far is kept. */
    void stop() {
        workOfEarlierIncarnations += currentWork();
        runtime.close();
        runtime = null;
    }

    boolean running() {
        return runtime != null;
    }

    /** {@code /health/ready} of its admin API answers 200. */
    boolean ready() {
        if (runtime == null) {
            return false;
        }
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create(runtime.adminServer().url() + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** A poller that holds the poller lock. */
    boolean leads() {
        if (runtime == null) {
            return false;
        }
        Gauge leader = runtime.registry().find(MetricNames.POLLER_LEADER).gauge();
        return leader != null && leader.value() == 1.0;
    }

    /**
     * What it did over all its incarnations: events published (poller), events applied to the stores (processor),
     * rows written (writer).
     */
    double work() {
        return workOfEarlierIncarnations + currentWork();
    }

    private double currentWork() {
        if (runtime == null) {
            return 0;
        }
        MeterRegistry registry = runtime.registry();
        String counter = switch (stage) {
            case POLLER -> MetricNames.EVENTS_PUBLISHED;
            case PROCESSOR -> MetricNames.EVENTS_APPLIED;
            case WRITER -> MetricNames.ROWS_WRITTEN;
        };
        return registry.find(counter).counters().stream().mapToDouble(Counter::count).sum();
    }

    String name() {
        return name;
    }

    @Override
    public void close() {
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
