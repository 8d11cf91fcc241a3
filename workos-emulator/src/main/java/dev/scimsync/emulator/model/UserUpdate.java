package dev.scimsync.emulator.model;

/**
 * The outcome of a user update: the new version, and whether the update deleted the user
 * (deactivation while the emulator runs with {@code deactivateDeletes}).
 */
public record UserUpdate(DirectoryUser user, boolean deleted) {
}
