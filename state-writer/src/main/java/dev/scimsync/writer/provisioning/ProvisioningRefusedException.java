package dev.scimsync.writer.provisioning;

/** A provisioning request the organization's state refuses: the message says why, with ids only. */
public final class ProvisioningRefusedException extends RuntimeException {

    /** NOT_FOUND: no such organization or member; CONFLICT: the organization's state forbids it. */
    public enum Reason { NOT_FOUND, CONFLICT }

    private final Reason reason;

    public ProvisioningRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
