package dev.scimsync.emulator.bench;

import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.model.DirectorySnapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * SCIM load as an IdP makes it: each change is one {@code PATCH /Users/{id}} renaming a user
 * (one {@code dsync.user.updated}), sent over a keep-alive connection per client and waited for
 * before the next, as a real IdP client does.
 */
public final class ScimLoad {

    private final String baseUrl;
    private final CreatedDirectory directory;
    private final List<String> userIds;
    private final AtomicLong sequence = new AtomicLong();

    private ScimLoad(String baseUrl, CreatedDirectory directory, List<String> userIds) {
        this.baseUrl = baseUrl;
        this.directory = directory;
        this.userIds = userIds;
    }

    /** A fresh organization and directory with {@code users} seeded users to rename. */
    public static ScimLoad prepare(String baseUrl, int users) {
        EmulatorAdminClient admin = new EmulatorAdminClient(baseUrl);
        String organizationId = admin.createOrganization("Load " + System.nanoTime());
        CreatedDirectory directory = admin.createDirectory(organizationId, "Load");
        admin.seed(directory.id(), users, 0, 0, true);
        List<String> ids = admin.snapshot(directory.id()).users().stream().map(DirectorySnapshot.User::id).toList();
        return new ScimLoad(baseUrl, directory, ids);
    }

    public CreatedDirectory directory() {
        return directory;
    }

    /** {@code count} changes one after another on one connection, after {@code warmup} untimed ones. */
    public Latency latency(int warmup, int count) {
        EmulatorAdminClient client = new EmulatorAdminClient(baseUrl);
        for (int i = 0; i < warmup; i++) {
            change(client);
        }
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            change(client);
            nanos[i] = System.nanoTime() - started;
        }
        Arrays.sort(nanos);
        return new Latency(Arrays.stream(nanos).average().orElse(0) / 1e6, nanos[count / 2] / 1e6,
                nanos[(int) (count * 0.99)] / 1e6);
    }

    /**
     * {@code clients} connections changing users as fast as answers come, for {@code seconds}
     * after one untimed second; the rate per whole second is kept so a stall shows as a low minimum.
     */
    public Throughput throughput(int clients, int seconds) throws Exception {
        AtomicLongArray perSecond = new AtomicLongArray(seconds + 1);
        long started = System.nanoTime();
        long end = started + (seconds + 1) * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    EmulatorAdminClient client = new EmulatorAdminClient(baseUrl);
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        change(client);
                        int second = (int) ((System.nanoTime() - started) / 1_000_000_000L);
                        if (second <= seconds) {
                            perSecond.incrementAndGet(second);
                        }
                    }
                    return now;
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long total = 0;
        long min = Long.MAX_VALUE;
        long[] series = new long[seconds];
        for (int s = 1; s <= seconds; s++) { // second 0 is the warm-up
            total += perSecond.get(s);
            min = Math.min(min, perSecond.get(s));
            series[s - 1] = perSecond.get(s);
        }
        return new Throughput(clients, (double) total / seconds, min, series);
    }

    private void change(EmulatorAdminClient client) {
        long n = sequence.incrementAndGet();
        String userId = userIds.get((int) (n % userIds.size()));
        client.scim("PATCH", directory.id(), directory.scimToken(), "/Users/" + userId, rename("Given " + n));
    }

    private static com.fasterxml.jackson.databind.JsonNode rename(String givenName) {
        var body = Json.object();
        body.putArray("schemas").add("urn:ietf:params:scim:api:messages:2.0:PatchOp");
        body.putArray("Operations").addObject().put("op", "replace").put("path", "name.givenName")
                .put("value", givenName);
        return body;
    }

    public record Latency(double meanMillis, double medianMillis, double p99Millis) {
        @Override
        public String toString() {
            return String.format("mean %.2f ms, median %.2f ms, p99 %.2f ms", meanMillis, medianMillis, p99Millis);
        }
    }

    /** @param perSecond the changes answered in each second of the run */
    public record Throughput(int clients, double changesPerSecond, long slowestSecond, long[] perSecond) {
        @Override
        public String toString() {
            return String.format("%d client(s): %,.0f changes/s (slowest second %,d)", clients, changesPerSecond,
                    slowestSecond);
        }
    }
}
