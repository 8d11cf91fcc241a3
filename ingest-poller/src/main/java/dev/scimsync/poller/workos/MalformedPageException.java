package dev.scimsync.poller.workos;

/** WorkOS answered 2xx with a body that is not an events list. Retried like a server error. */
public final class MalformedPageException extends RuntimeException {

    public MalformedPageException(String message) {
        super(message);
    }

    public MalformedPageException(String message, Throwable cause) {
        super(message, cause);
    }
}
