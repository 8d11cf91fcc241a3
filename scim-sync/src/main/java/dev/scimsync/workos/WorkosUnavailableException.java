package dev.scimsync.workos;

/** WorkOS did not answer a quick lookup (timeout, 5xx, rate limit); the message is safe to show. */
public final class WorkosUnavailableException extends RuntimeException {

    public WorkosUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
