package dev.scimsync.emulator.model;

/** Directory user state as WorkOS renders it. */
public enum UserState {
    ACTIVE("active"),
    INACTIVE("inactive");

    private final String wireValue;

    UserState(String wireValue) {
        this.wireValue = wireValue;
    }

    public String wireValue() {
        return wireValue;
    }

    public static UserState of(boolean active) {
        return active ? ACTIVE : INACTIVE;
    }
}
