package dev.scimsync.emulator.ids;

/** The id prefixes WorkOS uses for the objects the emulator models. */
public final class IdPrefix {
    public static final String ORGANIZATION = "org_";
    public static final String DIRECTORY = "directory_";
    public static final String DIRECTORY_USER = "directory_user_";
    public static final String DIRECTORY_GROUP = "directory_group_";
    public static final String EVENT = "event_";

    private IdPrefix() {
    }
}
