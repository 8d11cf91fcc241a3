package dev.scimsync.cli;

/** Exit codes of the scim-sync command (documented in the README). */
public final class ExitCodes {

    /** Done, or stopped cleanly (Ctrl-C). */
    public static final int OK = 0;
    /** A stage failed while running (e.g. WorkOS refused the API key). */
    public static final int FAILED = 1;
    /** Bad command line or configuration: every problem is printed with the variable to set. */
    public static final int BAD_CONFIGURATION = 2;
    /** A client command could not reach or was refused by the admin API. */
    public static final int ADMIN_API_UNAVAILABLE = 3;
    /** The embedded broker or database could not start. */
    public static final int INFRASTRUCTURE = 4;
    /** {@code verify} found the database different from the directory in WorkOS. */
    public static final int DRIFT = 5;
    /** {@code resync}: the safeguard held the sweep (it would remove too many members); nothing was removed. */
    public static final int HELD = 6;

    private ExitCodes() {
    }
}
