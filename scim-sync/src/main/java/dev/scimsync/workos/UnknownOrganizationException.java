package dev.scimsync.workos;

/** WorkOS (and, where asked, the database) does not know the organization; the message names only its id. */
public final class UnknownOrganizationException extends RuntimeException {

    public UnknownOrganizationException(String message) {
        super(message);
    }
}
