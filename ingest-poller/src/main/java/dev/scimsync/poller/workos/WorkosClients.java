package dev.scimsync.poller.workos;

import java.net.URI;
import java.time.Duration;

import com.workos.WorkOS;
import com.workos.common.http.RetryConfig;

import okhttp3.OkHttpClient;

/**
 * Builds the WorkOS SDK client the poller uses. The SDK's own retries are off: it would honour any
 * {@code Retry-After} without a bound, and the poller must count and pace every retry itself
 * ({@link WorkosRetry}). Every request has a timeout, so a hung connection cannot stall the sync.
 */
public final class WorkosClients {

    private WorkosClients() {
    }

    public static WorkOS create(String apiKey, URI baseUrl, Duration requestTimeout) {
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(Math.min(10, requestTimeout.toSeconds() + 1)))
                .readTimeout(requestTimeout)
                .callTimeout(requestTimeout)
                .retryOnConnectionFailure(false)
                .build();
        String base = baseUrl.toString().endsWith("/") ? baseUrl.toString().substring(0, baseUrl.toString().length() - 1)
                : baseUrl.toString();
        return new WorkOS(apiKey, null, base, http, RetryConfig.DISABLED);
    }
}
