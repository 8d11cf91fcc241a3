package dev.scimsync.emulator.model;

/**
 * A WorkOS cursor page request: {@code after}/{@code before} are ids (exclusive) in the
 * requested order; at most one is used, {@code before} winning like WorkOS.
 */
public record PageRequest(int limit, String before, String after, SortOrder order) {

    public static final int MAX_LIMIT = 100;
    public static final int DEFAULT_LIMIT = 10;

    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
        }
    }

    public static PageRequest first(int limit, SortOrder order) {
        return new PageRequest(limit, null, null, order);
    }
}
