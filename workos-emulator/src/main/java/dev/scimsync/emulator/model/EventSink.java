package dev.scimsync.emulator.model;

/**
 * Receives the model's changes in the order they happen, while the model lock is held, so the
 * sink can assign event ids that sort in change order.
 */
public interface EventSink {

    void emit(String organizationId, String directoryId, ModelChange change);
}
