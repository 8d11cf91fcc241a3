package dev.scimsync.emulator.model;

/**
 * The WorkOS Directory Sync event types the emulator emits. Deliberately not shared with sync-core's
 * {@code EventTypes}: the emulator stands for WorkOS, and a typo on one side must show up as a failing test
 * rather than being mirrored on both.
 */
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

    private EventTypes() {
    }
}
