package dev.scimsync.verify;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.core.event.ResyncScope;
import dev.scimsync.core.log.Redact;
import dev.scimsync.poller.directory.DirectoryScanner;

/**
 * What a resync of one scope would add, change and remove, item by item: WorkOS scanned as the resync scans it,
 * compared with the database as the drift check compares them, without its rechecks (a preview, not a
 * verdict). The dry-run resync itself, through the pipeline, says how many its sweep would remove and whether
 * the safeguard would hold it; this lists them. One preview runs at a time; the latest per organization is kept.
 * Read-only. Items carry emails and names to be shown to the admin: never log them.
 */
public final class ResyncPreviews implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResyncPreviews.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Most items per kind of change a preview keeps (the counts stay exact). */
    static final int MAX_ITEMS = 5_000;

    /** One entity a resync would change: kind member, group or membership; fields that differ for a change. */
    public record Item(String kind, String id, String label, List<String> fields) {
        public Item {
            fields = List.copyOf(fields);
        }
    }

    /**
     * A preview: {@code state} running, completed or failed; the lists (at most {@value #MAX_ITEMS} each) and
     * their full sizes once completed.
     */
    public record Preview(String previewId, String organizationId, String scope, String state, Instant startedAt,
                          Instant finishedAt, String error, List<Item> adds, List<Item> changes, List<Item> removes,
                          long addCount, long changeCount, long removeCount) {

        Preview finished(Instant at, List<Item> a, List<Item> c, List<Item> r, long na, long nc, long nr) {
            return new Preview(previewId, organizationId, scope, "completed", startedAt, at, null, a, c, r, na, nc, nr);
        }

        Preview failed(Instant at, String reason) {
            return new Preview(previewId, organizationId, scope, "failed", startedAt, at, reason, List.of(), List.of(),
                    List.of(), 0, 0, 0);
        }
    }

    private final DirectoryScanner scanner;
    private final OrganizationDatabase database;
    private final Clock clock;
    private final ExecutorService executor;
    private final Map<String, Preview> latest = new LinkedHashMap<>();

    public ResyncPreviews(DirectoryScanner scanner, OrganizationDatabase database, Clock clock) {
        this.scanner = scanner;
        this.database = database;
        this.clock = clock;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "resync-preview");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts a preview; the organization's last one is replaced.
     *
     * @throws IllegalArgumentException for a bad scope
     */
    public Preview start(String organizationId, String scope) {
        ResyncScope parsed = ResyncScope.parse(scope == null ? "both" : scope);
        Preview preview = new Preview(String.format(Locale.ROOT, "preview_%013d%06x", clock.millis(),
                RANDOM.nextInt(1 << 24)), organizationId, parsed.wireValue(), "running", clock.instant(), null, null,
                List.of(), List.of(), List.of(), 0, 0, 0);
        synchronized (latest) {
            latest.put(organizationId, preview);
        }
        executor.submit(() -> run(preview, parsed));
        return preview;
    }

    /** The organization's latest preview. */
    public Optional<Preview> latest(String organizationId) {
        synchronized (latest) {
            return Optional.ofNullable(latest.get(organizationId));
        }
    }

    private void run(Preview preview, ResyncScope scope) {
        String org = preview.organizationId();
        Preview done;
        try {
            DirectoryView workos = DirectoryView.of(scanner.scan(org));
            DirectoryView stored = DirectoryView.of(database.directoryRows(org));
            Differences d = Differences.between(workos, stored);
            List<Item> adds = new ArrayList<>();
            List<Item> changes = new ArrayList<>();
            List<Item> removes = new ArrayList<>();
            long[] counts = new long[3];
            if (scope.members()) {
                collect("member", d.members(), workos.members(), stored.members(), adds, changes, removes, counts);
            }
            if (scope.groups()) {
                collect("group", d.groups(), workos.groups(), stored.groups(), adds, changes, removes, counts);
                collectMemberships(d.memberships(), workos, stored, adds, removes, counts);
            }
            done = preview.finished(clock.instant(), adds, changes, removes, counts[0], counts[1], counts[2]);
            LOG.info("resync preview {} of {} ({}): {} to add, {} to change, {} to remove", preview.previewId(), org,
                    scope.wireValue(), counts[0], counts[1], counts[2]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = preview.failed(clock.instant(), "interrupted (scim-sync is stopping)");
        } catch (Exception e) {
            String reason = Redact.emailsIn(String.valueOf(e.getMessage()));
            LOG.warn("resync preview {} of {} failed: {}", preview.previewId(), org, reason);
            done = preview.failed(clock.instant(), reason);
        }
        Preview result = done;
        synchronized (latest) {
            latest.computeIfPresent(org, (k, p) -> p.previewId().equals(preview.previewId()) ? result : p);
        }
    }

    private static void collect(String kind, Differences.Kind diff, Map<String, Map<String, String>> workos,
                                Map<String, Map<String, String>> stored, List<Item> adds, List<Item> changes,
                                List<Item> removes, long[] counts) {
        for (String id : diff.missing()) {
            add(adds, new Item(kind, id, label(workos.get(id)), List.of()));
        }
        diff.changed().forEach((id, fields) -> add(changes, new Item(kind, id, label(workos.get(id)), fields)));
        for (String id : diff.extra()) {
            add(removes, new Item(kind, id, label(stored.get(id)), List.of()));
        }
        counts[0] += diff.missing().size();
        counts[1] += diff.changed().size();
        counts[2] += diff.extra().size();
    }

    private static void collectMemberships(Differences.Kind diff, DirectoryView workos, DirectoryView stored,
                                           List<Item> adds, List<Item> removes, long[] counts) {
        for (String key : diff.missing()) {
            add(adds, new Item("membership", key, membershipLabel(key, workos), List.of()));
        }
        for (String key : diff.extra()) {
            add(removes, new Item("membership", key, membershipLabel(key, stored), List.of()));
        }
        counts[0] += diff.missing().size();
        counts[2] += diff.extra().size();
    }

    private static void add(List<Item> items, Item item) {
        if (items.size() < MAX_ITEMS) {
            items.add(item);
        }
    }

    /** A member's email and names, or a group's name, as a person reads them. */
    private static String label(Map<String, String> fields) {
        if (fields == null) {
            return null;
        }
        if (fields.containsKey("name")) {
            return fields.get("name");
        }
        String names = ((fields.get("first_name") == null ? "" : fields.get("first_name")) + " "
                + (fields.get("last_name") == null ? "" : fields.get("last_name"))).strip();
        String email = fields.get("email");
        return email == null ? names : names.isEmpty() ? email : email + " (" + names + ")";
    }

    private static String membershipLabel(String key, DirectoryView side) {
        String groupId = key.substring(0, key.indexOf('/'));
        String userId = DirectoryView.userOf(key);
        String group = label(side.groups().get(groupId));
        Map<String, String> member = side.members().get(userId);
        String user = member == null || member.get("email") == null ? userId : member.get("email");
        return user + " in " + (group == null ? groupId : group);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
