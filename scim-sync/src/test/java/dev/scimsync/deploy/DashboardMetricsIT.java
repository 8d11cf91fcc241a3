package dev.scimsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.cli.ScimSyncCommand;
import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.e2e.TestPipeline;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;
import dev.scimsync.emulator.faults.FaultSettings;
import dev.scimsync.runtime.ScimSyncRuntime;
import dev.scimsync.runtime.Stage;
import dev.scimsync.testkit.SharedKafka;
import dev.scimsync.testkit.SharedPostgres;

/**
 * The Grafana dashboard shows only what scim-sync exposes: every metric its queries name is on {@code /metrics} of a
 * live run with every stage (one process, so one scrape covers them), once the run has done what the panels are
 * about — changes synced, WorkOS errors ridden out, a drift check, a resync, a replay.
 */
@ExtendWith({SharedKafka.class, SharedPostgres.class})
class DashboardMetricsIT {

    /**
     * Metrics registered on their first occurrence of something this run does not provoke, with why. Each must still
     * be a name the code declares (MetricNames), so a renamed metric cannot hide here.
     */
    private static final Map<String, String> FIRST_OCCURRENCE_ONLY = Map.of(
            "scim_sync_dead_letters_total", "a record sent to the dead-letter topic (a malformed or unkeyable event)",
            "scim_sync_poller_publish_failures_total", "a Kafka publish that failed",
            "scim_sync_processor_events_duplicate_total", "an event the processor received twice",
            "scim_sync_processor_events_stale_total", "an event older than what the store holds (a resync or a "
                    + "replay may make some, not always)");

    @TempDir
    Path dataDir;

    @Test
    void shouldExposeEveryMetricTheDashboardQueries() throws Exception {
        Set<String> queried = DashboardQueries.metricNames(
                Files.readString(DeploymentFiles.root().resolve("deploy/grafana/dashboards/scim-sync.json")),
                DeploymentFiles.yaml("deploy/prometheus/alerts.yml"));
        assertThat(queried).as("metric names found in the dashboard's queries")
                .contains("scim_sync_sync_lag_seconds_bucket", "scim_sync_writer_rows_total");

        Set<String> exposed;
        try (WorkosEmulator emulator = WorkosEmulator.start(EmulatorOptions.defaults())) {
            EmulatorAdminClient idp = new EmulatorAdminClient(emulator.baseUrl());
            String schema = SharedPostgres.newSchema();
            Map<String, String> env = TestPipeline.environment(SharedKafka.uniquePrefix("dashboard"), schema,
                    emulator.apiKey(), emulator.baseUrl(), dataDir);
            try (ScimSyncRuntime runtime = ScimSyncRuntime.start(ConfigReader.from(env), EnumSet.allOf(Stage.class))) {
                exposed = exerciseAndScrape(emulator, idp, schema, runtime);
            }
        }

        Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(exposed);
        missing.removeAll(FIRST_OCCURRENCE_ONLY.keySet());
        assertThat(missing).as("queried by the dashboard, not on /metrics").isEmpty();
        Set<String> notProvoked = new TreeSet<>(queried);
        notProvoked.removeAll(exposed);
        System.out.printf("dashboard: %d metrics queried, %d on /metrics of the run, not provoked by it: %s%n",
                queried.size(), queried.size() - notProvoked.size(), notProvoked);
        assertThat(FIRST_OCCURRENCE_ONLY.keySet()).as("exceptions that are queried by the dashboard")
                .isSubsetOf(queried);
        Set<String> declared = DashboardQueries.declaredPrometheusNames();
        for (String name : FIRST_OCCURRENCE_ONLY.keySet()) {
            assertThat(declared).as(name + " is a metric the code declares").contains(name);
        }
    }

    private Set<String> exerciseAndScrape(WorkosEmulator emulator, EmulatorAdminClient idp, String schema,
                                          ScimSyncRuntime runtime) throws Exception {
        CreatedDirectory acme = idp.createDirectory(idp.createOrganization("Acme"), "Acme Okta");
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            users.add(idp.scimCreateUser(acme.id(), acme.scimToken(), "m" + i + "@acme.test", "M", "N" + i, true));
        }
        String group = idp.scimCreateGroup(acme.id(), acme.scimToken(), "Team", users.subList(0, 10));
        // WorkOS errors while changes wait: the poller backs off and counts them
        idp.setFaults(new FaultSettings(0, 0.5, 503, true, 0));
        idp.scimRenameGroup(acme.id(), acme.scimToken(), group, "Platform");
        idp.scimDeleteUser(acme.id(), acme.scimToken(), users.get(0));
        await("WorkOS errors counted").atMost(Duration.ofSeconds(30))
                .until(() -> scrape(runtime).contains("scim_sync_poller_workos_errors_total"));
        idp.clearFaults();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> TestPipeline.assertDatabaseEquals(idp, schema, acme));

        String url = runtime.adminServer().url();
        assertThat(cli("verify", "--url", url, "--data-dir", dataDir.toString(), "--org", acme.organizationId()))
                .isZero();
        assertThat(cli("resync", "--url", url, "--data-dir", dataDir.toString(), "--org", acme.organizationId(),
                "--timeout", "PT1M")).isZero();
        assertThat(cli("replay", "--url", url, "--data-dir", dataDir.toString(), "--org", acme.organizationId()))
                .isZero();
        // seats per tier are read from the database every 15 s
        await("seats per tier").atMost(Duration.ofSeconds(30)).until(() -> scrape(runtime).contains("scim_sync_seats{"));
        return DashboardQueries.sampleNames(scrape(runtime));
    }

    private static int cli(String... args) {
        StringWriter out = new StringWriter();
        int exit = ScimSyncCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(out)).execute(args);
        if (exit != 0) {
            System.out.println(String.join(" ", args) + " -> " + exit + ": " + out);
        }
        return exit;
    }

    private static String scrape(ScimSyncRuntime runtime) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(runtime.adminServer().url() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
