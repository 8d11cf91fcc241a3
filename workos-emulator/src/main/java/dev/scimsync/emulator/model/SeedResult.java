package dev.scimsync.emulator.model;

/** What a seed created and how long it took inside the model. */
public record SeedResult(int users, int groups, int memberships, long millis) {
}
