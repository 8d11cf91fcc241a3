package dev.scimsync.poller.workos;

import java.time.Instant;

/** The part of WorkOS the automatic sync reads. Implementations throw the SDK's exceptions on failure. */
public interface EventsApi {

    /**
     * Lists events oldest first.
     *
     * @param after      the id of the last event already published, or null to start at {@code rangeStart}
     * @param rangeStart used only when {@code after} is null; null means the oldest event WorkOS retains
     * @param limit      1..100
     */
    EventsPage list(String after, Instant rangeStart, int limit);

    /** The organization a directory belongs to, or null when WorkOS does not know the directory. */
    String organizationOfDirectory(String directoryId);

    /** The organization's name, or null when WorkOS does not know the organization (or it has none). */
    default String organizationName(String organizationId) {
        return null;
    }
}
