package dev.scimsync.core.event;

/**
 * Resync ids: {@code resync_} + creation millis + randomness, and {@link #DRY_RUN_SUFFIX} for a dry run, so that
 * every record of a dry run — its snapshot items included — says on its own that it must change nothing.
 */
public final class ResyncIds {

    public static final String DRY_RUN_SUFFIX = "-dry";

    private ResyncIds() {
    }

    /** True for the id of a dry run (null: no resync). */
    public static boolean isDryRun(String resyncId) {
        return resyncId != null && resyncId.endsWith(DRY_RUN_SUFFIX);
    }
}
