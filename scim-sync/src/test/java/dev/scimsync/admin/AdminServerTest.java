package dev.scimsync.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.scimsync.poller.PollerMetrics;
import dev.scimsync.poller.directory.DirectoryApi;
import dev.scimsync.poller.directory.DirectoryScanner;
import dev.scimsync.poller.resync.Resyncer;
import dev.scimsync.poller.workos.WorkosRetry;
import dev.scimsync.resync.ResyncService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class AdminServerTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newHttpClient();
    private final FakeStatus status = new FakeStatus();
    private final AdminServer server = AdminServer.start("127.0.0.1", 0, AdminToken.of("sst_right"), status, registry);

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void shouldRefuseTheApiWithoutTheRightToken() throws Exception {
        assertThat(get("/api/organizations", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/organizations", "sst_wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> ok = get("/api/organizations", "sst_right");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("[{\"id\":\"org_1\",\"name\":\"Acme\",\"members\":3}]");
    }

    @Test
    void shouldAnswerOrganizationStatusOr404() throws Exception {
        assertThat(get("/api/organizations/org_1/status", "sst_right").body()).contains("\"members\":3");
        assertThat(get("/api/organizations/org_unknown/status", "sst_right").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldSayWhereTheDriftCheckRuns_WhenThisProcessCannotRunIt() throws Exception {
        HttpResponse<String> notHere = get("/api/organizations/org_1/verify", "sst_right");

        assertThat(notHere.statusCode()).isEqualTo(501);
        assertThat(notHere.body()).contains("scim-sync run");
        assertThat(get("/api/organizations/org_1/verify", "sst_wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void shouldSayWhyWhenAStageHasNoDatabase_AndHideInternalErrors() throws Exception {
        status.failWith = new UnsupportedOperationException("this stage has no organization database");
        HttpResponse<String> notHere = get("/api/organizations", "sst_right");
        assertThat(notHere.statusCode()).isEqualTo(501);
        assertThat(notHere.body()).contains("no organization database");

        status.failWith = new IllegalStateException("connection to jane@example.com refused");
        HttpResponse<String> broken = get("/api/organizations", "sst_right");
        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(broken.body()).doesNotContain("jane");
    }

    @Test
    void shouldServeMetricsAndHealthWithoutToken_ReadyOnlyWhenEveryCheckPasses() throws Exception {
        registry.counter("scim_sync.test.counter").increment();
        assertThat(get("/metrics", null).body()).contains("scim_sync_test_counter_total 1.0");
        assertThat(get("/health/live", null).statusCode()).isEqualTo(200);
        assertThat(get("/health/ready", null).statusCode()).isEqualTo(200);

        status.checks.put("database", false);
        HttpResponse<String> notReady = get("/health/ready", null);
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("\"database\":false");
    }

    @Test
    void shouldQueueAResync_RefusingUnclearParametersAndASecondOneOfTheSameOrganization() throws Exception {
        CountDownLatch publisherAsked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        DirectoryScanner scanner = new DirectoryScanner(new DirectoryApi() {
            @Override
            public ListPage directories(String organizationId, String after, int limit) {
                return new ListPage(List.of(), null);
            }

            @Override
            public ListPage users(String directoryId, String after, int limit) {
                return new ListPage(List.of(), null);
            }

            @Override
            public ListPage groups(String directoryId, String after, int limit) {
                return new ListPage(List.of(), null);
            }
        }, new WorkosRetry(Duration.ofMillis(10), Duration.ofMillis(10), new PollerMetrics(registry, Clock.systemUTC())), 4);
        Resyncer resyncer = new Resyncer(scanner, () -> {
            publisherAsked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("no Kafka in this test");
        }, Clock.systemUTC(), registry);
        try (AdminServer withResyncs = AdminServer.start("127.0.0.1", 0, AdminToken.of("sst_right"), status, null,
                new ResyncService(resyncer, null, 20, 500), registry)) {
            String base = withResyncs.url() + "/api/organizations/org_1/resync";
            assertThat(post(base + "?dry_run=true", null).statusCode()).isEqualTo(401);
            assertThat(post(base + "?dry_run=1", "sst_right").body()).contains("dry_run must be true or false");
            assertThat(post(base + "?dryrun=true", "sst_right").statusCode()).isEqualTo(400);
            assertThat(post(base + "?scope=everything", "sst_right").statusCode()).isEqualTo(400);

            HttpResponse<String> queued = post(base + "?scope=members&dry_run=true", "sst_right");
            assertThat(queued.statusCode()).isEqualTo(202);
            assertThat(queued.body()).contains("\"resync_id\":\"resync_").contains("\"dry_run\":true")
                    .contains("\"max_removal_count\":500");
            assertThat(publisherAsked.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(post(base, "sst_right").statusCode()).as("one resync of an organization at a time").isEqualTo(409);

            release.countDown();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get(
                    "/api/organizations/org_1/resync", "sst_right", withResyncs).body()).contains("\"phase\":\"failed\"")
                    .contains("no Kafka in this test"));
        } finally {
            release.countDown();
            resyncer.close();
        }
    }

    private HttpResponse<String> post(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token, AdminServer target) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(target.url() + path)).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final class FakeStatus implements StatusSource {
        RuntimeException failWith;
        final Map<String, Boolean> checks = new LinkedHashMap<>(Map.of("kafka", true));

        @Override
        public List<Map<String, Object>> organizations() {
            if (failWith != null) {
                throw failWith;
            }
            Map<String, Object> org = new LinkedHashMap<>();
            org.put("id", "org_1");
            org.put("name", "Acme");
            org.put("members", 3);
            return List.of(org);
        }

        @Override
        public Optional<Map<String, Object>> status(String organizationId) {
            return organizationId.equals("org_1") ? Optional.of(organizations().get(0)) : Optional.empty();
        }

        @Override
        public Map<String, Boolean> readiness() {
            return checks;
        }
    }
}
