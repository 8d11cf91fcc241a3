package dev.scimsync.core.model;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * The order of changes to one entity. Members and groups are ordered by WorkOS {@code updated_at}, then
 * by event id; memberships (whose changes do not bump a user's {@code updated_at}) by the event's
 * {@code created_at}, then event id. WorkOS event ids sort by creation time, so the id breaks ties.
 *
 * @param at      the timestamp that orders this change; never null
 * @param eventId the id of the event that made the change; never null ("" for a resync snapshot item,
 *                which loses ties against any real event; {@link #SWEEP_PREFIX} + resync id for a removal by
 *                a resync's sweep, which wins them)
 */
public record Version(Instant at, String eventId) implements Comparable<Version> {

    private static final Comparator<Version> ORDER =
            Comparator.comparing(Version::at).thenComparing(Version::eventId);

    public Version {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(eventId, "eventId");
    }

    /** Starts the event id of a removal by a resync's sweep: {@code '~'} sorts after every WorkOS event id. */
    public static final String SWEEP_PREFIX = "~";

    /** The version of a removal by the sweep of {@code resyncId}, at {@code at}. */
    public static Version sweep(Instant at, String resyncId) {
        return new Version(at, SWEEP_PREFIX + resyncId);
    }

    /** True when a WorkOS event made this change (not a resync snapshot item nor a sweep). */
    public boolean fromWorkosEvent() {
        return !eventId.isEmpty() && !eventId.startsWith(SWEEP_PREFIX);
    }

    public boolean isNewerThan(Version other) {
        return other == null || compareTo(other) > 0;
    }

    @Override
    public int compareTo(Version other) {
        return ORDER.compare(this, other);
    }
}
