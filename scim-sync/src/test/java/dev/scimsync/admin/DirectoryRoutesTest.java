package dev.scimsync.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The API's listing routes where this process lacks the database, the DLQ or WorkOS, and their parameters. */
class DirectoryRoutesTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AdminServer server = AdminServer.start("127.0.0.1", 0, AdminToken.of("sst_right"),
            new ConsoleTest.OneOrganization(), AdminServices.NONE, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            AdminLimits.DEFAULT);

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void shouldNeedTheBearerToken() throws Exception {
        assertThat(send("GET", "/api/organizations/org_1/members", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/dead_letters", "sst_wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void shouldAnswer404ForAnUnknownOrganization() throws Exception {
        for (String route : new String[] {"members", "groups", "sync_runs", "activity"}) {
            HttpResponse<String> response = send("GET", "/api/organizations/org_nope/" + route, "sst_right");
            assertThat(response.statusCode()).as(route).isEqualTo(404);
        }
        assertThat(send("GET", "/api/organizations/org_nope/members", "sst_right").body())
                .contains("unknown organization org_nope");
    }

    @Test
    void shouldSayWhatThisProcessLacks() throws Exception {
        assertThat(send("GET", "/api/organizations/org_1/groups", "sst_right").body()).contains("no organization database");
        assertThat(send("GET", "/api/dead_letters", "sst_right").statusCode()).isEqualTo(501);
        HttpResponse<String> preview = send("POST", "/api/organizations/org_1/resync/preview?scope=members", "sst_right");
        assertThat(preview.statusCode()).isEqualTo(501);
        assertThat(preview.body()).contains("scim-sync run");
    }

    @Test
    void shouldRefuseBadParameters() throws Exception {
        assertThat(send("GET", "/api/organizations/org_1/members?page=-1", "sst_right").statusCode()).isEqualTo(400);
        assertThat(send("GET", "/api/organizations/org_1/members?page_size=1000", "sst_right").statusCode()).isEqualTo(400);
        assertThat(send("GET", "/api/organizations/org_1/members?removed=yes", "sst_right").statusCode()).isEqualTo(400);
        assertThat(send("GET", "/api/organizations/org_1/members?sort=email", "sst_right").statusCode()).isEqualTo(400);
        assertThat(send("GET", "/api/dead_letters?limit=abc", "sst_right").statusCode()).isEqualTo(400);
        assertThat(send("DELETE", "/api/organizations/org_1/members", "sst_right").statusCode()).isEqualTo(405);
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
