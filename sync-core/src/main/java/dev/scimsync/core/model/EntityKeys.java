package dev.scimsync.core.model;

/**
 * Keys of the compacted state topics: the organization id first, so that a partitioner can route every
 * entity of one organization to the organization's partition, then the WorkOS ids. WorkOS ids never
 * contain {@code '/'}.
 */
public final class EntityKeys {

    public static final char SEPARATOR = '/';

    private EntityKeys() {
    }

    public static String member(String organizationId, String directoryUserId) {
        return organizationId + SEPARATOR + directoryUserId;
    }

    public static String group(String organizationId, String directoryGroupId) {
        return organizationId + SEPARATOR + directoryGroupId;
    }

    public static String membership(String organizationId, String directoryGroupId, String directoryUserId) {
        return organizationId + SEPARATOR + directoryGroupId + SEPARATOR + directoryUserId;
    }

    /** The organization part of any state-topic key (or the whole key when it has none). */
    public static String organizationOf(String key) {
        int slash = key.indexOf(SEPARATOR);
        return slash < 0 ? key : key.substring(0, slash);
    }
}
