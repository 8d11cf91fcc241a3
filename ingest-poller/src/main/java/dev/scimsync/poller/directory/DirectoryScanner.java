package dev.scimsync.poller.directory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.poller.workos.WorkosRetry;

/**
 * Reads one organization's whole directory from WorkOS: its directories, then every page of users and groups
 * of each. {@code /directory_users} requests are paced to WorkOS's documented limit per directory (4 per
 * second), so a scan runs at the rate-limit floor instead of bouncing off 429s; any 429 that still comes is
 * waited out by {@link WorkosRetry}, as are 5xx and timeouts. The calling thread's interrupt stops a scan.
 */
public final class DirectoryScanner {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryScanner.class);
    /** The largest page WorkOS serves. */
    public static final int PAGE_LIMIT = 100;

    private final DirectoryApi api;
    private final WorkosRetry retry;
    private final long userRequestIntervalNanos;

    /**
     * @param userRequestsPerSecond pace of {@code /directory_users} requests per directory (WorkOS: 4)
     */
    public DirectoryScanner(DirectoryApi api, WorkosRetry retry, double userRequestsPerSecond) {
        if (!(userRequestsPerSecond > 0)) {
            throw new IllegalArgumentException("userRequestsPerSecond must be positive: " + userRequestsPerSecond);
        }
        this.api = api;
        this.retry = retry;
        this.userRequestIntervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / userRequestsPerSecond);
    }

    /** The organization's directories, users and groups as WorkOS lists them now. */
    public OrganizationScan scan(String organizationId) throws InterruptedException {
        long started = System.nanoTime();
        AtomicInteger requests = new AtomicInteger();
        List<String> directoryIds = new ArrayList<>();
        for (JsonNode directory : all("directories of " + organizationId, requests, 0,
                after -> api.directories(organizationId, after, PAGE_LIMIT))) {
            directoryIds.add(directory.path("id").asText());
        }
        List<JsonNode> users = new ArrayList<>();
        List<JsonNode> groups = new ArrayList<>();
        for (String directoryId : directoryIds) {
            groups.addAll(all("groups of " + directoryId, requests, 0,
                    after -> api.groups(directoryId, after, PAGE_LIMIT)));
            users.addAll(all("users of " + directoryId, requests, userRequestIntervalNanos,
                    after -> api.users(directoryId, after, PAGE_LIMIT)));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("scanned organization {}: {} directories, {} users, {} groups in {} requests, {} ms", organizationId,
                directoryIds.size(), users.size(), groups.size(), requests.get(), took.toMillis());
        return new OrganizationScan(organizationId, directoryIds, users, groups, requests.get(), took);
    }

    private List<JsonNode> all(String what, AtomicInteger requests, long intervalNanos,
                               Function<String, DirectoryApi.ListPage> page) throws InterruptedException {
        List<JsonNode> objects = new ArrayList<>();
        String after = null;
        long nextAllowed = System.nanoTime();
        do {
            long wait = nextAllowed - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String cursor = after;
            nextAllowed = System.nanoTime() + intervalNanos;
            DirectoryApi.ListPage result = retry.call("listing " + what, () -> {
                requests.incrementAndGet();
                return page.apply(cursor);
            });
            objects.addAll(result.data());
            after = result.after();
        } while (after != null);
        return objects;
    }
}
