package dev.scimsync.emulator.model;

/**
 * Bulk creation for demos and benchmarks. {@code emitEvents=false} creates the objects as if
 * their events had expired, so only a resync can discover them.
 */
public record SeedRequest(int users, int groups, int membershipsPerUser, boolean emitEvents) {

    public SeedRequest {
        if (users < 0 || groups < 0 || membershipsPerUser < 0) {
            throw ModelException.invalid("users, groups and memberships_per_user must not be negative");
        }
    }
}
