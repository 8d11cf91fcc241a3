package dev.scimsync.emulator.model;

import java.time.Instant;

/**
 * A SCIM directory connection. {@code scimToken} is the bearer token the IdP uses on the
 * directory's SCIM endpoint; it is never rendered on the WorkOS API.
 */
public record Directory(String id, String organizationId, String name, String scimToken,
                        Instant createdAt, Instant updatedAt) {

    /** WorkOS directory state; a live SCIM connection is {@code linked}. */
    public static final String STATE_LINKED = "linked";
    /** State WorkOS reports in {@code dsync.deleted}. */
    public static final String STATE_DELETING = "deleting";
    public static final String TYPE = "generic scim v2.0";
}
