package dev.scimsync.writer.apply;

/**
 * A batch the writer must not skip and cannot write: the database rejects it for a reason that is not one
 * record's data (a statement timeout, a revoked grant, a renamed column), even after retries, or every
 * record of it failed alone (which says more about the database than about the records). Nothing of the
 * batch was written and no offset moved; the writer stops rather than dead-letter the stream.
 */
public final class BatchFailedException extends RuntimeException {

    public BatchFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
