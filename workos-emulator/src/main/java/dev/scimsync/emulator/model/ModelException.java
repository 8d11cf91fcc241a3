package dev.scimsync.emulator.model;

/** A request the model refuses; the HTTP layers map {@link Reason} to their own error shapes. */
public final class ModelException extends RuntimeException {

    public enum Reason { NOT_FOUND, CONFLICT, INVALID }

    private final Reason reason;

    private ModelException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public static ModelException notFound(String kind, String id) {
        return new ModelException(Reason.NOT_FOUND, kind + " not found: '" + id + "'");
    }

    public static ModelException conflict(String message) {
        return new ModelException(Reason.CONFLICT, message);
    }

    public static ModelException invalid(String message) {
        return new ModelException(Reason.INVALID, message);
    }
}
