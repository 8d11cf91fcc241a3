package dev.scimsync.poller.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.workos.common.exceptions.GenericServerException;
import com.workos.common.exceptions.RateLimitException;

import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;
import dev.scimsync.emulator.model.DirectorySnapshot;
import dev.scimsync.poller.PollerMetrics;
import dev.scimsync.poller.workos.WorkosClients;
import dev.scimsync.poller.workos.WorkosRetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A scan through the real WorkOS SDK against the emulator, with WorkOS's rate limits switched on. */
class DirectoryScannerTest {

    private WorkosEmulator emulator;
    private EmulatorAdminClient admin;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private DirectoryScanner scanner;

    @BeforeEach
    void start() {
        emulator = WorkosEmulator.start(EmulatorOptions.defaults());
        admin = new EmulatorAdminClient(emulator.baseUrl());
        WorkosRetry retry = new WorkosRetry(Duration.ofMillis(200), Duration.ofSeconds(2),
                new PollerMetrics(registry, Clock.systemUTC()));
        scanner = new DirectoryScanner(new SdkDirectoryApi(WorkosClients.create(emulator.apiKey(),
                URI.create(emulator.baseUrl()), Duration.ofSeconds(10))), retry, 4);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void shouldStreamEachDirectorysGroupPagesThenItsUserPages_HoldingNone() throws Exception {
        String org = admin.createOrganization("Streamed");
        CreatedDirectory first = admin.createDirectory(org, "Okta");
        CreatedDirectory second = admin.createDirectory(org, "Entra");
        admin.seed(first.id(), 250, 3, 2, false);
        admin.seed(second.id(), 40, 2, 1, false);
        java.util.List<String> pages = new java.util.ArrayList<>();
        Set<String> users = new HashSet<>();

        DirectoryScanner.Summary summary = scanner.scan(org, new DirectoryScanner.Pages() {
            @Override
            public void groups(String directoryId, java.util.List<JsonNode> page) {
                pages.add("groups of " + directoryId);
            }

            @Override
            public void users(String directoryId, java.util.List<JsonNode> page) {
                assertThat(page).hasSizeLessThanOrEqualTo(DirectoryScanner.PAGE_LIMIT)
                        .allSatisfy(u -> assertThat(u.path("directory_id").asText()).isEqualTo(directoryId));
                page.forEach(u -> users.add(u.path("id").asText()));
                pages.add("users of " + directoryId);
            }
        });

        assertThat(summary.directoryIds()).containsExactlyInAnyOrder(first.id(), second.id());
        assertThat(summary.users()).isEqualTo(290);
        assertThat(summary.groups()).isEqualTo(5);
        assertThat(users).hasSize(290);
        String a = summary.directoryIds().get(0);
        String b = summary.directoryIds().get(1);
        int usersOfA = a.equals(first.id()) ? 3 : 1;
        int usersOfB = 4 - usersOfA;
        java.util.List<String> expected = new java.util.ArrayList<>();
        expected.add("groups of " + a);
        for (int i = 0; i < usersOfA; i++) {
            expected.add("users of " + a);
        }
        expected.add("groups of " + b);
        for (int i = 0; i < usersOfB; i++) {
            expected.add("users of " + b);
        }
        assertThat(pages).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldListEveryUserGroupAndMembershipOfEachDirectory_PacedBelowTheRateLimit() throws Exception {
        String org = admin.createOrganization("Scanned");
        CreatedDirectory first = admin.createDirectory(org, "Okta");
        CreatedDirectory second = admin.createDirectory(org, "Entra");
        admin.seed(first.id(), 1_050, 7, 2, false);
        admin.seed(second.id(), 120, 3, 1, false);
        CreatedDirectory elsewhere = admin.createDirectory(admin.createOrganization("Other"), "Google");
        admin.seed(elsewhere.id(), 30, 2, 1, false);

        OrganizationScan scan = scanner.scan(org);

        DirectorySnapshot a = admin.snapshot(first.id());
        DirectorySnapshot b = admin.snapshot(second.id());
        assertThat(scan.directoryIds()).containsExactlyInAnyOrder(first.id(), second.id());
        Set<String> expectedUsers = new HashSet<>();
        a.users().forEach(u -> expectedUsers.add(u.id()));
        b.users().forEach(u -> expectedUsers.add(u.id()));
        assertThat(scan.users()).extracting(u -> u.path("id").asText()).containsExactlyInAnyOrderElementsOf(expectedUsers);
        assertThat(scan.groups()).hasSize(a.groups().size() + b.groups().size());

        Set<String> expectedMemberships = new HashSet<>();
        a.memberships().forEach(m -> expectedMemberships.add(m.groupId() + "/" + m.userId()));
        b.memberships().forEach(m -> expectedMemberships.add(m.groupId() + "/" + m.userId()));
        Set<String> scannedMemberships = new HashSet<>();
        for (JsonNode user : scan.users()) {
            user.path("groups").forEach(g -> scannedMemberships.add(g.path("id").asText() + "/" + user.path("id").asText()));
        }
        assertThat(scannedMemberships).isEqualTo(expectedMemberships);

        // 1 directories page, 1 + 1 group pages, 11 + 2 user pages; paced, so WorkOS never had to say 429
        assertThat(scan.requests()).isEqualTo(16);
        assertThat(registry.find(MetricNames.WORKOS_ERRORS).counters()).allSatisfy(c -> assertThat(c.count()).isZero());
        // 11 user pages of one directory cannot start faster than 250 ms apart
        assertThat(scan.took()).isGreaterThanOrEqualTo(Duration.ofMillis(10 * 250));
    }

    @Test
    void shouldWaitOutRateLimitsAndServerErrors_WithoutLosingOrRepeatingAPage() throws Exception {
        String org = admin.createOrganization("Flaky");
        CreatedDirectory directory = admin.createDirectory(org, "Okta");
        admin.seed(directory.id(), 450, 4, 1, false);
        SdkDirectoryApi workos = new SdkDirectoryApi(WorkosClients.create(emulator.apiKey(),
                URI.create(emulator.baseUrl()), Duration.ofSeconds(10)));
        AtomicInteger userCalls = new AtomicInteger();
        DirectoryApi flaky = new DirectoryApi() {
            @Override
            public ListPage directories(String organizationId, String after, int limit) {
                return workos.directories(organizationId, after, limit);
            }

            @Override
            public ListPage users(String directoryId, String after, int limit) {
                switch (userCalls.incrementAndGet()) {
                    case 2 -> throw new RateLimitException("slow down", "req_2", "rate_limit_exceeded", 1L, "{}");
                    case 4 -> throw new GenericServerException(503, "unavailable", "req_4", "{}", "server_error", null);
                    default -> {
                        return workos.users(directoryId, after, limit);
                    }
                }
            }

            @Override
            public ListPage groups(String directoryId, String after, int limit) {
                return workos.groups(directoryId, after, limit);
            }
        };

        OrganizationScan scan = new DirectoryScanner(flaky, new WorkosRetry(Duration.ofMillis(100),
                Duration.ofSeconds(2), new PollerMetrics(registry, Clock.systemUTC())), 4).scan(org);

        assertThat(scan.users()).extracting(u -> u.path("id").asText()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(admin.snapshot(directory.id()).users().stream()
                        .map(DirectorySnapshot.User::id).toList());
        assertThat(registry.counter(MetricNames.WORKOS_ERRORS, MetricNames.TAG_STATUS, "429").count()).isEqualTo(1.0);
        assertThat(registry.counter(MetricNames.WORKOS_ERRORS, MetricNames.TAG_STATUS, "503").count()).isEqualTo(1.0);
        // 1 directories page, 1 groups page, 5 user pages and the 2 failed attempts
        assertThat(scan.requests()).isEqualTo(9);
    }
}
