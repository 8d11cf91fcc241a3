package dev.scimsync.core.event;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where an envelope's event came from. */
public enum EventSource {
    /** Read from WorkOS's Events API by the automatic sync. */
    EVENTS_API("events_api"),
    /** Produced by a resync from WorkOS's list endpoints (users, groups) or its begin/end markers. */
    RESYNC("resync");

    private final String wire;

    EventSource(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }
}
