package dev.scimsync.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The console's sign-in, session cookie, CSRF checks and error pages, over HTTP without a browser. */
class ConsoleTest {

    private static final String TOKEN = "sst_console_secret";
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern CSRF_META = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AdminServer server = AdminServer.start("127.0.0.1", 0, AdminToken.of(TOKEN), new OneOrganization(),
            AdminServices.NONE, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), AdminLimits.DEFAULT);

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void shouldSendSignedOutBrowsersToTheSignInForm() throws Exception {
        for (String page : List.of("/", "/organizations", "/organizations/org_1", "/dead-letters")) {
            HttpResponse<String> response = send("GET", page, null, null, null);
            assertThat(response.statusCode()).as(page).isEqualTo(303);
            assertThat(response.headers().firstValue("Location")).as(page).contains("/sign-in");
        }
        HttpResponse<String> form = send("GET", "/sign-in", null, null, null);
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("<form method=\"post\" action=\"/sign-in\"").doesNotContain(TOKEN);
        assertThat(form.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'"));
    }

    @Test
    void shouldShowAnErrorOnThePage_WhenTheTokenIsWrong() throws Exception {
        SignInForm form = signInForm();
        HttpResponse<String> wrong = send("POST", "/sign-in", form.cookie(), null,
                "csrf=" + form.csrf() + "&token=sst_wrong");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(wrong.body()).contains("Wrong admin token.").doesNotContain("sst_wrong");
        assertThat(wrong.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(ConsoleSessions.COOKIE + "="));
    }

    @Test
    void shouldRefuseASignInWithoutTheFormsCsrfToken() throws Exception {
        SignInForm form = signInForm();
        HttpResponse<String> forged = send("POST", "/sign-in", null, null, "csrf=" + form.csrf() + "&token=" + TOKEN);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(ConsoleSessions.COOKIE + "="));
    }

    @Test
    void shouldHoldTheSessionInAnHttpOnlyStrictCookie_AndNeverThePageTheToken() throws Exception {
        String session = signIn();
        HttpResponse<String> page = send("GET", "/organizations", session, null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Acme").contains("org_1").doesNotContain(TOKEN);
        assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
    }

    @Test
    void shouldRefuseStateChangingRequestsWithoutTheSessionsCsrfToken() throws Exception {
        String session = signIn();
        String csrf = csrfOf(send("GET", "/organizations", session, null, null).body());
        HttpResponse<String> noToken = send("POST", "/console/api/organizations/org_1/verify", session, null, "");
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("CSRF");
        assertThat(send("POST", "/console/api/organizations/org_1/verify", session, "wrong", "").statusCode())
                .isEqualTo(403);
        // with the token the request reaches the API, which answers that this process cannot run the check
        assertThat(send("POST", "/console/api/organizations/org_1/verify", session, csrf, "").statusCode())
                .isEqualTo(501);
        assertThat(send("GET", "/console/api/organizations", session, null, null).body()).contains("Acme");
        assertThat(send("GET", "/console/api/organizations", null, null, null).statusCode()).isEqualTo(401);
        assertThat(send("POST", "/sign-out", session, null, "csrf=wrong").statusCode()).isEqualTo(403);
    }

    @Test
    void shouldEndTheSession_WhenSignedOut() throws Exception {
        String session = signIn();
        String csrf = csrfOf(send("GET", "/organizations", session, null, null).body());
        HttpResponse<String> out = send("POST", "/sign-out", session, null, "csrf=" + csrf);
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(send("GET", "/organizations", session, null, null).statusCode()).isEqualTo(303);
        assertThat(send("GET", "/console/api/organizations", session, null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldShowUnknownOrganizationsAsAMessage_NotJson() throws Exception {
        String session = signIn();
        HttpResponse<String> page = send("GET", "/organizations/org_nope", session, null, null);
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("class=\"message error\"").contains("Unknown organization org_nope")
                .doesNotContain("{\"error\"");
        HttpResponse<String> unknownPage = send("GET", "/organizations/org_1/nothing-here", session, null, null);
        assertThat(unknownPage.statusCode()).isEqualTo(404);
        assertThat(unknownPage.body()).contains("There is no page");
    }

    @Test
    void shouldServeTheStylesheetAndScript() throws Exception {
        assertThat(send("GET", "/static/console.css", null, null, null).headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
        assertThat(send("GET", "/static/console.js", null, null, null).body()).contains("X-CSRF-Token");
        assertThat(send("GET", "/static/other.js", null, null, null).statusCode()).isEqualTo(404);
    }

    private record SignInForm(String cookie, String csrf) {
    }

    private SignInForm signInForm() throws Exception {
        HttpResponse<String> form = send("GET", "/sign-in", null, null, null);
        String cookie = form.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(ConsoleSessions.LOGIN_COOKIE + "=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");
        Matcher m = CSRF_FIELD.matcher(form.body());
        assertThat(m.find()).isTrue();
        return new SignInForm(cookie.substring(0, cookie.indexOf(';')), m.group(1));
    }

    /** Signs in and returns the session cookie ({@code name=value}). */
    private String signIn() throws Exception {
        SignInForm form = signInForm();
        HttpResponse<String> signedIn = send("POST", "/sign-in", form.cookie(), null, "csrf=" + form.csrf()
                + "&token=" + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8));
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Location")).contains("/organizations");
        String cookie = signedIn.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(ConsoleSessions.COOKIE + "=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").doesNotContain(TOKEN);
        return cookie.substring(0, cookie.indexOf(';'));
    }

    private static String csrfOf(String page) {
        Matcher m = CSRF_META.matcher(page);
        assertThat(m.find()).as("the page's CSRF token").isTrue();
        return m.group(1);
    }

    private HttpResponse<String> send(String method, String path, String cookie, String csrf, String form)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, form == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(form));
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        if (csrf != null) {
            request.header("X-CSRF-Token", csrf);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static final class OneOrganization implements StatusSource {
        @Override
        public List<Map<String, Object>> organizations() {
            return List.of(status("org_1").orElseThrow());
        }

        @Override
        public Optional<Map<String, Object>> status(String organizationId) {
            if (!organizationId.equals("org_1")) {
                return Optional.empty();
            }
            Map<String, Object> org = new LinkedHashMap<>();
            org.put("id", "org_1");
            org.put("name", "Acme");
            org.put("provisioning_mode", "scim");
            org.put("members", 3L);
            org.put("groups", 1L);
            org.put("last_event_created_at", Instant.parse("2026-01-01T00:00:00Z"));
            org.put("lag_seconds", 0.4);
            return Optional.of(org);
        }

        @Override
        public Map<String, BooleanSupplier> readinessChecks() {
            return Map.of();
        }
    }
}
