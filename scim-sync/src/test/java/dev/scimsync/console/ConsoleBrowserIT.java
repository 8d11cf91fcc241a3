package dev.scimsync.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.e2e.TestPipeline;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;
import dev.scimsync.emulator.model.DirectorySnapshot;
import dev.scimsync.runtime.ScimSyncRuntime;
import dev.scimsync.runtime.Stage;
import dev.scimsync.testkit.SharedKafka;
import dev.scimsync.testkit.SharedPostgres;

/**
 * The admin console in a real headless Chromium against a running instance (every stage, a real broker and
 * PostgreSQL, the WorkOS emulator over HTTP): sign-in, the organizations, a members sync previewed then run after
 * users were deleted in the IdP without events (held by the safeguard, then removed anyway), the members page,
 * the drift check, groups, dead letters; a wrong token and a POST without the CSRF token are refused. Takes a
 * screenshot of each page for docs/console/.
 */
@ExtendWith({SharedKafka.class, SharedPostgres.class})
class ConsoleBrowserIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "console-it-" + Long.toHexString(System.nanoTime());

    @TempDir
    Path dataDir;

    private WorkosEmulator emulator;
    private EmulatorAdminClient idp;
    private ScimSyncRuntime runtime;
    private ChromeDriver browser;
    private String prefix;
    private String schema;

    @BeforeEach
    void setUp(TestInfo test) {
        browser = ConsoleBrowser.start();
        emulator = WorkosEmulator.start(EmulatorOptions.defaults());
        idp = new EmulatorAdminClient(emulator.baseUrl());
        prefix = SharedKafka.uniquePrefix(test.getTestMethod().orElseThrow().getName());
        schema = SharedPostgres.newSchema();
    }

    @AfterEach
    void tearDown() {
        if (browser != null) {
            browser.quit();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void shouldSyncPreviewRunAndVerify_ThroughTheConsoleInARealBrowser() throws Exception {
        String org = idp.createOrganization("Acme");
        CreatedDirectory directory = idp.createDirectory(org, "Acme Okta");
        idp.seed(directory.id(), 20, 4, 2, true);
        Map<String, String> env = new HashMap<>(TestPipeline.environment(prefix, schema, emulator.apiKey(),
                emulator.baseUrl(), dataDir));
        env.put("SCIM_SYNC_ADMIN_TOKEN", TOKEN);
        runtime = ScimSyncRuntime.start(ConfigReader.from(env), EnumSet.allOf(Stage.class));
        String base = runtime.adminServer().url();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertThat(
                TestPipeline.rows(schema, "SELECT id FROM members WHERE removed_at IS NULL")).hasSize(20));

        // signed out: every page leads to the sign-in form; a wrong token is an error message on the page
        browser.get(base + "/");
        wait(ExpectedConditions.urlToBe(base + "/sign-in"));
        ConsoleBrowser.screenshot(browser, "sign-in");
        signIn("not-the-token");
        assertThat(text(".message.error")).contains("Wrong admin token");
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/sign-in");

        signIn(TOKEN);
        wait(ExpectedConditions.urlToBe(base + "/organizations"));
        assertThat(browser.getPageSource()).doesNotContain(TOKEN);
        WebElement row = browser.findElement(By.cssSelector("#organizations tr[data-org='" + org + "']"));
        assertThat(row.getText()).contains("Acme").contains("scim").contains("20").contains("in sync");
        ConsoleBrowser.screenshot(browser, "organizations");

        Cookie session = browser.manage().getCookieNamed("scim_sync_session");
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat(post(base + "/console/api/organizations/" + org + "/resync?scope=members", session, null)
                .statusCode()).as("a POST without the CSRF token").isEqualTo(403);
        assertThat(post(base + "/console/api/organizations/" + org + "/resync?scope=members", session, "forged")
                .statusCode()).as("a POST with a wrong CSRF token").isEqualTo(403);
        assertThat(post(base + "/console/api/organizations/" + org + "/verify", null, null).statusCode())
                .as("no session").isEqualTo(401);

        // users deleted in the IdP without any event: only a resync finds them
        Map<String, String> emails = idp.snapshot(directory.id()).users().stream()
                .collect(Collectors.toMap(DirectorySnapshot.User::id, DirectorySnapshot.User::email));
        List<String> dropped = idp.drop(directory.id(), 5, false);
        Set<String> droppedEmails = dropped.stream().map(emails::get).collect(Collectors.toSet());

        row.findElement(By.linkText("Acme")).click();
        wait(ExpectedConditions.urlToBe(base + "/organizations/" + org));
        browser.findElement(By.cssSelector("#sync-now input[value='members']")).click();
        browser.findElement(By.cssSelector("#sync-now button.preview")).click();
        wait(d -> text("#sync-now .flow-message").contains("Dry run finished"));
        String removes = text("#sync-now .preview-list");
        assertThat(removes).contains("Removes (5)");
        droppedEmails.forEach(email -> assertThat(removes).contains(email));
        assertThat(text("#sync-runs")).contains("dry run");
        ConsoleBrowser.screenshot(browser, "manage-scim-preview");

        // 5 of 20 members is more than the default 20 %: the safeguard holds the sweep until "Remove anyway"
        browser.findElement(By.cssSelector("#sync-now button.run")).click();
        wait(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#sync-now .held")));
        assertThat(text("#sync-now .held-note")).contains("held");
        ConsoleBrowser.screenshot(browser, "manage-scim-held");
        assertThat(TestPipeline.rows(schema, "SELECT id FROM members WHERE removed_at IS NULL")).hasSize(20);
        // an admin arriving later sees the held sync too, and can still remove anyway
        browser.navigate().refresh();
        assertThat(text("#sync-now .held-note")).contains("members sync").contains("was held");
        assertThat(text("#health")).contains("resync held");

        browser.findElement(By.cssSelector("#sync-now button.force")).click();
        wait(d -> text("#sync-now .flow-message").contains("Sync completed"));
        assertThat(browser.findElement(By.cssSelector("#sync-now progress")).getAttribute("value")).isEqualTo("100");
        assertThat(text("#sync-now .progress .eta")).isEqualTo("done");
        wait(d -> text("#counts").startsWith("15 / 4 /") && text("#health").contains("in sync"));
        assertThat(text("#sync-runs")).contains("completed").contains("held").contains("dry run");
        ConsoleBrowser.screenshot(browser, "manage-scim-completed");

        // the removed members are gone from the members page, and listed as removed on request
        browser.get(base + "/organizations/" + org + "/members");
        assertThat(text("#member-count")).startsWith("15 members");
        String present = text("#members");
        droppedEmails.forEach(email -> assertThat(present).doesNotContain(email));
        assertThat(present).contains("SCIM-managed");
        browser.findElement(By.id("show-removed")).click();
        browser.findElement(By.id("member-search-go")).click();
        wait(d -> text("#member-count").startsWith("20 members"));
        droppedEmails.forEach(email -> assertThat(text("#members")).contains(email));
        assertThat(browser.findElements(By.cssSelector("#members tr.removed"))).hasSize(5);
        ConsoleBrowser.screenshot(browser, "members");
        String someone = emails.get(emails.keySet().stream().filter(id -> !dropped.contains(id)).findFirst().orElseThrow());
        browser.get(base + "/organizations/" + org + "/members?search=" + someone);
        assertThat(text("#members")).contains(someone);

        // the drift check agrees
        browser.get(base + "/organizations/" + org);
        browser.findElement(By.id("verify-start")).click();
        wait(d -> text("#verify-status").contains("in sync"));
        assertThat(text("#verify-report")).contains("members");
        browser.executeScript("arguments[0].scrollIntoView()", browser.findElement(By.id("verify")));
        ConsoleBrowser.screenshot(browser, "manage-scim-verify");

        browser.get(base + "/organizations/" + org + "/groups");
        assertThat(browser.findElements(By.cssSelector("#groups tbody tr"))).hasSize(4);
        browser.findElement(By.cssSelector("#check-updates button.preview")).click();
        wait(d -> text("#check-updates .flow-message").contains("Dry run finished"));
        assertThat(text("#check-updates .preview-list")).contains("0 to add, 0 to change, 0 to remove");
        browser.findElement(By.cssSelector("#check-updates button.run")).click();
        wait(d -> text("#check-updates .flow-message").contains("Sync completed"));
        ConsoleBrowser.screenshot(browser, "groups");

        // a record the processor cannot read goes to the DLQ, and the console says so
        sendUnreadableEvent(org);
        browser.get(base + "/dead-letters");
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            browser.navigate().refresh();
            assertThat(browser.findElements(By.cssSelector("#dead-letters tbody tr"))).isNotEmpty();
        });
        assertThat(text("#dead-letters")).contains("stream-processor").contains(org);
        ConsoleBrowser.screenshot(browser, "dead-letters");

        browser.get(base + "/organizations/does_not_exist");
        assertThat(text(".message.error")).contains("Unknown organization does_not_exist");

        browser.findElement(By.id("sign-out")).click();
        wait(ExpectedConditions.urlToBe(base + "/sign-in"));
        browser.get(base + "/organizations");
        wait(ExpectedConditions.urlToBe(base + "/sign-in"));
    }

    private void signIn(String token) {
        WebElement field = browser.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        WebElement button = browser.findElement(By.id("sign-in"));
        button.click();
        // the form posts and a new page loads: the sign-in page's own h1 is there before the answer is
        wait(ExpectedConditions.stalenessOf(button));
        wait(ExpectedConditions.presenceOfElementLocated(By.tagName("h1")));
    }

    private String text(String css) {
        List<WebElement> found = browser.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    /** Waits for {@code condition}; on a timeout the page's text says where the console stood. */
    private <T> T wait(Function<? super WebDriver, T> condition) {
        try {
            // the page swaps refreshed parts in: an element read while it is replaced is simply read again
            return new WebDriverWait(browser, WAIT, Duration.ofMillis(100))
                    .ignoring(StaleElementReferenceException.class).until(condition);
        } catch (TimeoutException e) {
            throw new AssertionError("the console did not get there within " + WAIT + "; " + browser.getCurrentUrl()
                    + " shows:\n" + text("main"), e);
        }
    }

    private static HttpResponse<String> post(String url, Cookie session, String csrf) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody());
        if (session != null) {
            request.header("Cookie", session.getName() + "=" + session.getValue());
        }
        if (csrf != null) {
            request.header("X-CSRF-Token", csrf);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void sendUnreadableEvent(String org) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(prefix + "events", org.getBytes(StandardCharsets.UTF_8),
                    "not an event".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }
    }
}
