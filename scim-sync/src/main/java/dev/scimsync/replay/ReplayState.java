package dev.scimsync.replay;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a replay is. */
public enum ReplayState {
    QUEUED, REBUILDING, SWITCHING, COMPLETED, FAILED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED;
    }
}
