package dev.scimsync.workos;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.log.Redact;
import dev.scimsync.poller.directory.DirectoryApi;
import dev.scimsync.poller.workos.WorkosRetry;

/**
 * {@link DirectoryLookup} over the poller's {@link DirectoryApi}. The organization check is one request
 * without retries, given up after {@code quickTimeout} (an admin request waits for it); user and group
 * fetches go through {@link WorkosRetry} like the scan, and {@code GET /directory_users/{id}} is paced to the
 * scan's rate, since WorkOS limits that endpoint per directory.
 */
public final class WorkosDirectoryLookup implements DirectoryLookup {

    private final DirectoryApi api;
    private final WorkosRetry retry;
    private final long userRequestIntervalNanos;
    private final Duration quickTimeout;
    private final ExecutorService quick = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "workos-lookup");
        thread.setDaemon(true);
        return thread;
    });
    private long nextUserRequest = System.nanoTime();

    public WorkosDirectoryLookup(DirectoryApi api, WorkosRetry retry, double userRequestsPerSecond,
                                 Duration quickTimeout) {
        this.api = api;
        this.retry = retry;
        this.userRequestIntervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / userRequestsPerSecond);
        this.quickTimeout = quickTimeout;
    }

    @Override
    public boolean organizationExists(String organizationId) {
        // the SDK's own timeout is the poller's (30 s by default): too long for a request to wait on
        Future<Optional<JsonNode>> lookup = quick.submit(() -> api.organization(organizationId));
        try {
            return lookup.get(quickTimeout.toMillis(), TimeUnit.MILLISECONDS).isPresent();
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new WorkosUnavailableException("WorkOS did not say within " + quickTimeout.toMillis()
                    + " ms whether it knows organization " + organizationId + "; try again", e);
        } catch (ExecutionException e) {
            throw new WorkosUnavailableException("asking WorkOS for organization " + organizationId + " failed: "
                    + Redact.emailsIn(String.valueOf(e.getCause().getMessage())), e.getCause());
        } catch (InterruptedException e) {
            lookup.cancel(true);
            Thread.currentThread().interrupt();
            throw new WorkosUnavailableException("interrupted while asking WorkOS for organization "
                    + organizationId, e);
        }
    }

    @Override
    public Optional<JsonNode> user(String directoryUserId) throws InterruptedException {
        pace();
        return retry.call("fetching directory user " + directoryUserId, () -> api.user(directoryUserId));
    }

    @Override
    public Optional<JsonNode> group(String directoryGroupId) throws InterruptedException {
        return retry.call("fetching directory group " + directoryGroupId, () -> api.group(directoryGroupId));
    }

    private void pace() throws InterruptedException {
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            wait = nextUserRequest - now;
            nextUserRequest = Math.max(now, nextUserRequest) + userRequestIntervalNanos;
        }
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
