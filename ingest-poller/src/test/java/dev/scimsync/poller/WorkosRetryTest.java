package dev.scimsync.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.workos.common.exceptions.BadRequestException;
import com.workos.common.exceptions.GenericServerException;
import com.workos.common.exceptions.RateLimitException;
import com.workos.common.exceptions.UnauthorizedException;

import dev.scimsync.core.metrics.MetricNames;
import dev.scimsync.poller.workos.MalformedPageException;
import dev.scimsync.poller.workos.WorkosAuthException;
import dev.scimsync.poller.workos.WorkosRetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class WorkosRetryTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WorkosRetry retry = new WorkosRetry(Duration.ofMillis(20), Duration.ofMillis(300),
            new PollerMetrics(registry, Clock.systemUTC()));

    @Test
    void shouldWaitBoundedRetryAfter_WhenRateLimited() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        long started = System.nanoTime();

        String result = retry.call("list events", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new RateLimitException("slow down", "req_1", "rate_limit_exceeded", 3600L, "{}");
            }
            return "page";
        });

        long waitedMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(result).isEqualTo("page");
        assertThat(calls).hasValue(2);
        // Retry-After said an hour; the bound (300 ms here) wins
        assertThat(waitedMs).isBetween(250L, 30_000L);
        assertThat(registry.counter(MetricNames.RATE_LIMIT_WAITS).count()).isEqualTo(1.0);
        assertThat(registry.counter(MetricNames.WORKOS_ERRORS, MetricNames.TAG_STATUS, "429").count()).isEqualTo(1.0);
    }

    @Test
    void shouldRetryServerErrorsAndMalformedPages_UntilTheyPass() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        String result = retry.call("list events", () -> switch (calls.incrementAndGet()) {
            case 1, 2, 3 -> throw new GenericServerException(503, "unavailable", "req", "{}", "server_error", null);
            case 4 -> throw new MalformedPageException("not a list");
            default -> "page";
        });

        assertThat(result).isEqualTo("page");
        assertThat(registry.counter(MetricNames.WORKOS_ERRORS, MetricNames.TAG_STATUS, "503").count()).isEqualTo(3.0);
        assertThat(registry.counter(MetricNames.WORKOS_ERRORS, MetricNames.TAG_STATUS, "malformed").count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldStopWithTheSettingToFix_WhenTheKeyIsRefused() {
        assertThatThrownBy(() -> retry.call("list events", () -> {
            throw new UnauthorizedException("Unauthorized", "req", "unauthorized", "{\"message\":\"bad key\"}");
        })).isInstanceOf(WorkosAuthException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("WORKOS_API_KEY");
    }

    @Test
    void shouldNotRetryOtherClientErrors() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.call("list events", () -> {
            calls.incrementAndGet();
            throw new BadRequestException("bad", "req", "invalid_request", java.util.List.of(), "{}");
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("HTTP 400");
        assertThat(calls).hasValue(1);
    }

    @Test
    void shouldStopWaiting_WhenInterrupted() {
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> retry.call("list events", () -> "never")).isInstanceOf(InterruptedException.class);
        Thread.interrupted();
    }
}
