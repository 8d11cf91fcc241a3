package dev.scimsync.core.event;

import java.util.List;

/** WorkOS Directory Sync event names, plus the markers scim-sync itself puts on the events topic. */
public final class EventTypes {

    public static final String DIRECTORY_ACTIVATED = "dsync.activated";
    public static final String DIRECTORY_DELETED = "dsync.deleted";
    public static final String USER_CREATED = "dsync.user.created";
    public static final String USER_UPDATED = "dsync.user.updated";
    public static final String USER_DELETED = "dsync.user.deleted";
    public static final String GROUP_CREATED = "dsync.group.created";
    public static final String GROUP_UPDATED = "dsync.group.updated";
    public static final String GROUP_DELETED = "dsync.group.deleted";
    public static final String GROUP_USER_ADDED = "dsync.group.user_added";
    public static final String GROUP_USER_REMOVED = "dsync.group.user_removed";

    /** Resync markers and snapshot items: never emitted by WorkOS, only by the resync of ingest-poller. */
    public static final String RESYNC_PREFIX = "scim_sync.";
    public static final String RESYNC_BEGIN = "scim_sync.resync.begin";
    public static final String RESYNC_USER = "scim_sync.resync.user";
    public static final String RESYNC_GROUP = "scim_sync.resync.group";
    public static final String RESYNC_MEMBERSHIP = "scim_sync.resync.membership";
    public static final String RESYNC_END = "scim_sync.resync.end";

    /**
     * Every Directory Sync event type the poller asks WorkOS for, and the only ones it publishes from the Events
     * API: any other type WorkOS serves goes to the DLQ.
     */
    public static final List<String> DIRECTORY_SYNC = List.of(
            DIRECTORY_ACTIVATED, DIRECTORY_DELETED,
            USER_CREATED, USER_UPDATED, USER_DELETED,
            GROUP_CREATED, GROUP_UPDATED, GROUP_DELETED,
            GROUP_USER_ADDED, GROUP_USER_REMOVED);

    private EventTypes() {
    }
}
