package dev.scimsync.cli;

/** A client command could not use the admin API of a running instance. */
public final class AdminApiException extends RuntimeException {

    private final int status;

    public AdminApiException(String message) {
        this(message, 0);
    }

    /** @param status the admin API's HTTP status, 0 when it did not answer */
    public AdminApiException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The admin API's HTTP status, 0 when it did not answer. */
    public int status() {
        return status;
    }

    public AdminApiException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }
}
