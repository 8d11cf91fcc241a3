package dev.scimsync.emulator.http;

import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorFixture;
import dev.scimsync.emulator.EmulatorOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Authentication, validation and rate limits on the WorkOS API, in WorkOS's shapes. */
class OutboundApiErrorsTest {

    private static EmulatorFixture fixture;

    @BeforeAll
    static void start() {
        fixture = EmulatorFixture.start(EmulatorOptions.defaults());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void shouldAnswer400InvalidEventsRequest_WhenEventsParameterIsMissing() {
        EmulatorFixture.Response response = fixture.get("/events?order=asc");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().get("code").asText()).isEqualTo("invalid_events_request");
    }

    @Test
    void shouldAnswer401_WhenTheApiKeyIsMissingOrWrong() {
        assertThat(fixture.get("/events?events=dsync.user.created", null).status()).isEqualTo(401);
        assertThat(fixture.get("/directories", "sk_test_wrong").status()).isEqualTo(401);
        assertThat(fixture.get("/directories", "sk_test_wrong").body().get("message").asText()).isNotBlank();
    }

    @Test
    void shouldAnswer422_WhenLimitIsOutOfRange() {
        assertThat(fixture.get("/events?events=dsync.user.created&limit=0").status()).isEqualTo(422);
        assertThat(fixture.get("/events?events=dsync.user.created&limit=101").status()).isEqualTo(422);
        assertThat(fixture.get("/directories?limit=abc").body().get("code").asText())
                .isEqualTo("invalid_request_parameters");
    }

    @Test
    void shouldAnswer422_WhenDirectoryUsersHaveNeitherDirectoryNorGroup() {
        assertThat(fixture.get("/directory_users").status()).isEqualTo(422);
        assertThat(fixture.get("/directory_groups").status()).isEqualTo(422);
    }

    @Test
    void shouldAnswer404InWorkosShape_WhenAUserDoesNotExist() {
        EmulatorFixture.Response response = fixture.get("/directory_users/directory_user_01NOPE");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body().get("code").asText()).isEqualTo("entity_not_found");
    }

    @Test
    void shouldRateLimitOneDirectoryWithRetryAfter_WhenItExceedsFourUserRequestsPerSecond() throws Exception {
        CreatedDirectory busy = fixture.newDirectory("Busy");
        CreatedDirectory quiet = fixture.newDirectory("Quiet");

        // twelve requests at once: a bucket of 4 refilled at 4/s cannot serve them all, however slow the machine
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<EmulatorFixture.Response> burst;
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<EmulatorFixture.Response>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(pool.submit(() -> {
                    go.await();
                    return fixture.get("/directory_users?directory=" + busy.id());
                }));
            }
            go.countDown();
            burst = new ArrayList<>();
            for (Future<EmulatorFixture.Response> call : calls) {
                burst.add(call.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        EmulatorFixture.Response other = fixture.get("/directory_users?directory=" + quiet.id());

        assertThat(burst).filteredOn(r -> r.status() == 429).isNotEmpty().allSatisfy(r -> {
            assertThat(Integer.parseInt(r.retryAfter())).isBetween(1, 60);
            assertThat(r.body().get("code").asText()).isEqualTo("rate_limit_exceeded");
        });
        assertThat(burst).filteredOn(r -> r.status() == 200).hasSizeGreaterThanOrEqualTo(4);
        assertThat(other.status()).isEqualTo(200);
    }
}
