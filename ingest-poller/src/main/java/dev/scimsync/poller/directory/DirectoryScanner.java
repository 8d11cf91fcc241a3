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

    /**
     * What a streaming scan hands over, page by page, in WorkOS's order: for each directory, every page of its
     * groups, then every page of its users. A page is the caller's to keep or drop; the scanner keeps none.
     */
    public interface Pages {
        void groups(String directoryId, List<JsonNode> page) throws InterruptedException;

        void users(String directoryId, List<JsonNode> page) throws InterruptedException;
    }

    /**
     * What a streaming scan saw.
     *
     * @param requests how many WorkOS requests the scan made (retries included)
     */
    public record Summary(List<String> directoryIds, int users, int groups, int requests, Duration took) {

        public Summary {
            directoryIds = List.copyOf(directoryIds);
        }
    }

    /** The organization's directories, users and groups as WorkOS lists them now, all held in memory. */
    public OrganizationScan scan(String organizationId) throws InterruptedException {
        List<JsonNode> users = new ArrayList<>();
        List<JsonNode> groups = new ArrayList<>();
        Summary summary = scan(organizationId, new Pages() {
            @Override
            public void groups(String directoryId, List<JsonNode> page) {
                groups.addAll(page);
            }

            @Override
            public void users(String directoryId, List<JsonNode> page) {
                users.addAll(page);
            }
        });
        return new OrganizationScan(organizationId, summary.directoryIds(), users, groups, summary.requests(),
                summary.took());
    }

    /**
     * Streams the organization's directories, users and groups to {@code pages} as WorkOS serves them, holding
     * only the directory ids: memory does not grow with the organization. {@code pages} runs on this thread while
     * the next {@code /directory_users} request waits for its pace, so work it does there is mostly free.
     */
    public Summary scan(String organizationId, Pages pages) throws InterruptedException {
        long started = System.nanoTime();
        AtomicInteger requests = new AtomicInteger();
        List<String> directoryIds = new ArrayList<>();
        each("directories of " + organizationId, requests, 0,
                after -> api.directories(organizationId, after, PAGE_LIMIT),
                page -> page.forEach(directory -> directoryIds.add(directory.path("id").asText())));
        AtomicInteger users = new AtomicInteger();
        AtomicInteger groups = new AtomicInteger();
        for (String directoryId : directoryIds) {
            each("groups of " + directoryId, requests, 0, after -> api.groups(directoryId, after, PAGE_LIMIT),
                    page -> {
                        groups.addAndGet(page.size());
                        pages.groups(directoryId, page);
                    });
            each("users of " + directoryId, requests, userRequestIntervalNanos,
                    after -> api.users(directoryId, after, PAGE_LIMIT), page -> {
                        users.addAndGet(page.size());
                        pages.users(directoryId, page);
                    });
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("scanned organization {}: {} directories, {} users, {} groups in {} requests, {} ms", organizationId,
                directoryIds.size(), users.get(), groups.get(), requests.get(), took.toMillis());
        return new Summary(directoryIds, users.get(), groups.get(), requests.get(), took);
    }

    /** A consumer of one page that may be interrupted. */
    private interface PageSink {
        void accept(List<JsonNode> page) throws InterruptedException;
    }

    private void each(String what, AtomicInteger requests, long intervalNanos,
                      Function<String, DirectoryApi.ListPage> page, PageSink sink) throws InterruptedException {
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
            sink.accept(result.data());
            after = result.after();
        } while (after != null);
    }
}
