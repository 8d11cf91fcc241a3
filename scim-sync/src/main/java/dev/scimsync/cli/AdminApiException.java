package dev.scimsync.cli;

/** A client command could not use the admin API of a running instance. */
public final class AdminApiException extends RuntimeException {

    public AdminApiException(String message) {
        super(message);
    }

    public AdminApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
