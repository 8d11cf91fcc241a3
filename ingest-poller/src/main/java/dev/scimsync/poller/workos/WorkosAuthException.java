package dev.scimsync.poller.workos;

/** WorkOS refused the API key (401/403): retrying cannot help, an operator must fix the setting. */
public final class WorkosAuthException extends RuntimeException {

    public WorkosAuthException(String operation, int status) {
        super("WorkOS refused the API key (HTTP " + status + ") during " + operation
                + ": set WORKOS_API_KEY to a valid key for this environment (and WORKOS_API_BASE_URL if it is not "
                + "api.workos.com)");
    }
}
