package dev.scimsync.cli;

/**
 * What scim-sync needs around it is not usable: the embedded broker or database could not start, a configured
 * Kafka or database does not answer, the data directory is another instance's, or the admin port is taken.
 * The message is one paragraph for the console (no stack trace) and names the variable to set.
 */
public final class InfrastructureException extends RuntimeException {

    public InfrastructureException(String message) {
        super(message);
    }

    public InfrastructureException(String message, Throwable cause) {
        super(message, cause);
    }
}
