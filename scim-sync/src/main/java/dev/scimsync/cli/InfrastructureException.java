package dev.scimsync.cli;

/** The embedded broker or database could not start; the message says what to configure instead. */
public final class InfrastructureException extends RuntimeException {

    public InfrastructureException(String message, Throwable cause) {
        super(message, cause);
    }
}
