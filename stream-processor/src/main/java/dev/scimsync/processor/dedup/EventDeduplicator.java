package dev.scimsync.processor.dedup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Remembers WorkOS event ids in a key-value store keyed by the event's {@code created_at} (zero-padded epoch
 * millis) and id: a re-delivered event has the same id and created_at, so one point lookup finds it, and the ids
 * past the retention are one range scan from the start of the store. The retention is measured from the newest
 * created_at seen by the task (its stream time, not the wall clock): an event whose created_at is not newer than
 * that minus the retention is not recognised as a duplicate (nor remembered); the version rules still make it change
 * nothing. {@link #forgetExpired} deletes those ids, a bounded number per call, which bounds the store.
 *
 * <p>Not a window store: Kafka Streams' segmented stores keep no committed offsets while they hold no segment, and
 * under exactly-once such a store in a task directory that is not empty makes each start treat the task as corrupted,
 * wipe it and restore all its stores from their changelogs.
 */
public final class EventDeduplicator {

    private static final char SEPARATOR = '/';
    private static final String ZEROS = "0".repeat(19);
    /** The stream time of a store that has remembered no id yet: every created_at is live. */
    private static final long NO_ID_YET = Long.MIN_VALUE / 2;

    private final KeyValueStore<String, String> seen;
    private final long retentionMillis;
    /** The newest created_at remembered: the newest key, since the newest id is never expired. */
    private long streamTime;
    /** Every key before this one has been deleted: where the next range scan for expired ids starts. */
    private String forgottenUpTo = key(0, "");

    /**
     * @param seen      {@code <created_at millis, 19 digits>/<event id>} → event type
     * @param retention at least one millisecond
     */
    public EventDeduplicator(KeyValueStore<String, String> seen, Duration retention) {
        if (retention.toMillis() < 1) {
            throw new IllegalArgumentException("the dedup retention must be at least 1 ms, got " + retention);
        }
        this.seen = seen;
        this.retentionMillis = retention.toMillis();
        this.streamTime = newestCreatedAt(seen);
    }

    public boolean isDuplicate(String eventId, Instant createdAt) {
        long at = millis(createdAt);
        return live(at) && seen.get(key(at, eventId)) != null;
    }

    public void remember(String eventId, Instant createdAt, String eventType) {
        long at = millis(createdAt);
        streamTime = Math.max(streamTime, at);
        if (live(at)) {
            seen.put(key(at, eventId), eventType);
        }
    }

    /**
     * Deletes the oldest ids past the retention, at most {@code max} of them.
     *
     * @return how many were deleted: {@code max} when more may be left
     */
    public int forgetExpired(int max) {
        long cutoff = streamTime - retentionMillis;
        if (cutoff < 0) {
            return 0;
        }
        List<String> expired = new ArrayList<>();
        // to the first key of cutoff + 1 (exclusive: there is no such key): every id created at or before cutoff
        try (KeyValueIterator<String, String> it = seen.range(forgottenUpTo, key(cutoff + 1, ""))) {
            while (expired.size() < max && it.hasNext()) {
                expired.add(it.next().key);
            }
        }
        for (String key : expired) {
            seen.delete(key);
        }
        if (!expired.isEmpty()) {
            // new ids are live, so newer than cutoff: none is ever put before a deleted one
            forgottenUpTo = expired.get(expired.size() - 1);
        }
        return expired.size();
    }

    /** Live: newer than the newest created_at minus the retention (the window store's own rule). */
    private boolean live(long createdAtMillis) {
        return createdAtMillis > streamTime - retentionMillis;
    }

    private static long newestCreatedAt(KeyValueStore<String, String> seen) {
        try (KeyValueIterator<String, String> it = seen.reverseAll()) {
            return it.hasNext() ? Long.parseLong(it.next().key, 0, ZEROS.length(), 10) : NO_ID_YET;
        }
    }

    private static long millis(Instant createdAt) {
        return Math.max(0, createdAt.toEpochMilli());
    }

    /** Zero-padded, so that the keys sort by created_at (never negative). */
    private static String key(long createdAtMillis, String eventId) {
        String millis = Long.toString(createdAtMillis);
        return new StringBuilder(ZEROS.length() + 1 + eventId.length())
                .append(ZEROS, 0, ZEROS.length() - millis.length()).append(millis)
                .append(SEPARATOR).append(eventId).toString();
    }
}
