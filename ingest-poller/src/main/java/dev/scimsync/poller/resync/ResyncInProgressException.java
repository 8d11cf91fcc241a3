package dev.scimsync.poller.resync;

/** An organization already has a resync queued or scanning in this process. */
public final class ResyncInProgressException extends IllegalStateException {

    public ResyncInProgressException(String message) {
        super(message);
    }
}
