package dev.scimsync.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.serde.Json;
import dev.scimsync.poller.PollerMetrics;
import dev.scimsync.poller.directory.DirectoryScanner;
import dev.scimsync.poller.resync.Resyncer;
import dev.scimsync.poller.workos.WorkosRetry;
import dev.scimsync.resync.ResyncService;
import dev.scimsync.verify.FakeDatabase;
import dev.scimsync.verify.FakeWorkos;
import dev.scimsync.verify.Verifier;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class AdminServerTest {

    private static final AdminLimits FAST = new AdminLimits(Duration.ofMillis(500), 256, 4, 64, Duration.ofMillis(100),
            Duration.ofMillis(300));

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final FakeStatus status = new FakeStatus();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final AdminServer server = closing(AdminServer.start("127.0.0.1", 0, AdminToken.of("sst_right"), status,
            null, null, registry, FAST));

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
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
        assertThat(send("DELETE", server.url() + "/api/organizations/org_1/status", "sst_right").statusCode())
                .isEqualTo(405);
    }

    @Test
    void shouldSayWhereTheDriftCheckRuns_WhenThisProcessCannotRunIt() throws Exception {
        HttpResponse<String> notHere = post(server.url() + "/api/organizations/org_1/verify", "sst_right");

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
        HttpResponse<String> ready = get("/health/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(ready.body()).at("/checks/kafka/age_seconds").isNumber()).isTrue();

        status.databaseUp = false;
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> notReady = get("/health/ready", null);
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).contains("\"database\":{\"ok\":false");
        });
    }

    @Test
    void shouldAnswerProbesAtOnce_WhileIdleAndHalfSentConnectionsAreOpen() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Socket socket = new Socket("127.0.0.1", server.port());
                if (i % 2 == 1) {
                    socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                }
                idle.add(socket);
            }
            for (String probe : List.of("/health/live", "/health/ready", "/health/live")) {
                long started = System.nanoTime();
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(server.url() + probe))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            }
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    void shouldCloseAConnectionThatSendsHalfARequest_AfterTheIdleTimeout() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /health/live HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long started = System.nanoTime();
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // a 408 or nothing: either way the server ends the connection
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void shouldAnswerReadinessAtOnce_WhenACheckBlocks() throws Exception {
        status.blockDatabaseCheck = new CountDownLatch(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/health/ready", null).statusCode() == 503);

        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/health/ready"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.body()).contains("\"database\":{\"ok\":false").contains("no answer within 300 ms")
                    .contains("\"kafka\":{\"ok\":true");
        }
        status.blockDatabaseCheck.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> get("/health/ready", null).statusCode() == 200);
    }

    @Test
    void shouldRunADriftCheckInTheBackground_AndReportItByItsId() throws Exception {
        FakeWorkos workos = new FakeWorkos("org_1", "org_2", "org_3").group("g1", "Engineering").user("u1", "Ada", "g1");
        FakeDatabase database = new FakeDatabase(workos.rows());
        workos.scanGate = new CountDownLatch(1);
        Verifier verifier = closing(new Verifier(scanner(workos), workos, database, Clock.systemUTC(),
                Duration.ofMinutes(1), Duration.ZERO, registry));
        AdminServer admin = closing(AdminServer.start("127.0.0.1", 0, AdminToken.of("sst_right"), status, verifier,
                null, registry, FAST));
        String base = admin.url() + "/api/organizations/org_1/verify";

        long started = System.nanoTime();
        HttpResponse<String> accepted = post(base, "sst_right");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the scan is held; the answer is not")
                .isLessThan(Duration.ofSeconds(1));
        assertThat(accepted.statusCode()).isEqualTo(202);
        JsonNode run = Json.MAPPER.readTree(accepted.body());
        String id = run.path("verify_id").asText();
        assertThat(id).startsWith("verify_");
        assertThat(run.path("state").asText()).isEqualTo("running");
        assertThat(accepted.headers().firstValue("Location")).contains("/api/organizations/org_1/verify/" + id);

        HttpResponse<String> again = post(base, "sst_right");
        assertThat(again.statusCode()).as("one check of an organization at a time").isEqualTo(409);
        assertThat(again.headers().firstValue("Retry-After")).isPresent();
        assertThat(again.body()).contains(id);
        assertThat(post(admin.url() + "/api/organizations/org_2/verify", "sst_right").statusCode()).isEqualTo(202);
        HttpResponse<String> busy = post(admin.url() + "/api/organizations/org_3/verify", "sst_right");
        assertThat(busy.statusCode()).as("two checks at once at most").isEqualTo(503);
        assertThat(busy.headers().firstValue("Retry-After")).contains("60");

        workos.scanGate.countDown();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode done = Json.MAPPER.readTree(get(base + "/" + id, "sst_right").body());
            assertThat(done.path("state").asText()).isEqualTo("completed");
            assertThat(done.at("/report/in_sync").asBoolean()).isTrue();
            assertThat(done.at("/report/members/workos").asLong()).isEqualTo(1);
        });
        assertThat(Json.MAPPER.readTree(get(base, "sst_right").body()).path("verify_id").asText())
                .as("GET without an id: the latest run").isEqualTo(id);
        assertThat(get(base + "/verify_0000000000000000000", "sst_right").statusCode()).isEqualTo(404);
        assertThat(post(base + "?full=true", "sst_right").statusCode()).isEqualTo(400);

        HttpResponse<String> unknown = post(admin.url() + "/api/organizations/org_unknown/verify", "sst_right");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("unknown organization org_unknown");
    }

    @Test
    void shouldQueueAResync_RefusingUnclearParametersAndASecondOneOfTheSameOrganization() throws Exception {
        CountDownLatch publisherAsked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FakeWorkos workos = new FakeWorkos("org_1");
        Resyncer resyncer = closing(new Resyncer(scanner(workos), () -> {
            publisherAsked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("no Kafka in this test");
        }, Clock.systemUTC(), registry));
        try (AdminServer withResyncs = AdminServer.start("127.0.0.1", 0, AdminToken.of("sst_right"), status, null,
                new ResyncService(resyncer, workos, null, 20, 500), registry, FAST)) {
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
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get(base, "sst_right").body())
                    .contains("\"phase\":\"failed\"").contains("no Kafka in this test"));
        } finally {
            release.countDown();
        }
    }

    @Test
    void shouldRefuseARepeatedResyncParameter_AndAnUnknownOrganization() throws Exception {
        AtomicInteger publishers = new AtomicInteger();
        FakeWorkos workos = new FakeWorkos("org_1");
        Resyncer resyncer = closing(new Resyncer(scanner(workos), () -> {
            publishers.incrementAndGet();
            throw new IllegalStateException("no Kafka in this test");
        }, Clock.systemUTC(), registry));
        AdminServer withResyncs = closing(AdminServer.start("127.0.0.1", 0, AdminToken.of("sst_right"), status, null,
                new ResyncService(resyncer, workos, null, 20, 500), registry, FAST));
        String base = withResyncs.url() + "/api/organizations/org_1/resync";

        HttpResponse<String> repeated = post(base + "?dry_run=true&dry_run=false", "sst_right");
        assertThat(repeated.statusCode()).isEqualTo(400);
        assertThat(repeated.body()).contains("dry_run").contains("once");
        assertThat(post(base + "?scope=members&scope=groups", "sst_right").statusCode()).isEqualTo(400);

        HttpResponse<String> unknown = post(withResyncs.url() + "/api/organizations/org_unknown/resync", "sst_right");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("unknown organization org_unknown");
        assertThat(get(withResyncs.url() + "/api/organizations/org_unknown/resync", "sst_right").statusCode())
                .as("nothing queued").isEqualTo(404);
        assertThat(publishers.get()).as("no resync started").isZero();
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    private DirectoryScanner scanner(FakeWorkos workos) {
        return new DirectoryScanner(workos, new WorkosRetry(Duration.ofMillis(10), Duration.ofMillis(10),
                new PollerMetrics(registry, Clock.systemUTC())), 100);
    }

    private HttpResponse<String> post(String url, String token) throws Exception {
        return send("POST", url, token);
    }

    private HttpResponse<String> send(String method, String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String pathOrUrl, String token) throws Exception {
        return send("GET", pathOrUrl.startsWith("http") ? pathOrUrl : server.url() + pathOrUrl, token);
    }

    private static final class FakeStatus implements StatusSource {
        volatile RuntimeException failWith;
        volatile boolean databaseUp = true;
        volatile CountDownLatch blockDatabaseCheck = new CountDownLatch(0);

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
        public Map<String, BooleanSupplier> readinessChecks() {
            Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
            checks.put("kafka", () -> true);
            checks.put("database", () -> {
                try {
                    blockDatabaseCheck.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return databaseUp;
            });
            return checks;
        }
    }
}
