package dev.scimsync.cli;

/** Exit codes of the scim-sync command (documented in the README). */
public final class ExitCodes {

    /** Done, or stopped cleanly (Ctrl-C, SIGTERM). */
    public static final int OK = 0;
    /** A stage failed while running (e.g. WorkOS refused the API key). */
    public static final int FAILED = 1;
    /** Bad command line or configuration: every problem is printed with the variable to set. */
    public static final int BAD_CONFIGURATION = 2;
    /** A client command could not reach or was refused by the admin API. */
    public static final int ADMIN_API_UNAVAILABLE = 3;
    /**
     * What the process needs around it is not usable: the embedded broker or database could not start, a
     * configured Kafka or database does not answer, the data directory is another instance's, or the admin port
     * is taken. The message names the variable to set.
     */
    public static final int INFRASTRUCTURE = 4;
    /** {@code verify} found the database different from the directory in WorkOS. */
    public static final int DRIFT = 5;
    /** {@code resync}: the safeguard held the sweep (it would remove too many members); nothing was removed. */
    public static final int HELD = 6;

    private ExitCodes() {
    }
}
