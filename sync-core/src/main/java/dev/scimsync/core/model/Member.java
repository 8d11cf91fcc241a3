package dev.scimsync.core.model;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A member as the directory has it: the value of the members state topic (key
 * {@link EntityKeys#member}). A removal is a record with {@code removed = true} carrying its version, so
 * that a late, older update can be recognised as stale downstream too.
 *
 * @param organizationId   WorkOS organization id; never null
 * @param directoryUserId  WorkOS directory user id ({@code directory_user_…}); never null
 * @param directoryId      WorkOS directory id; may be null for a member known only from a removal
 * @param idpId            the user's id in the IdP; nullable
 * @param email            primary email; nullable (directories may omit it)
 * @param firstName        nullable
 * @param lastName         nullable
 * @param state            WorkOS state ({@code active}, {@code inactive}); nullable on removal
 * @param roles            WorkOS {@code roles}/{@code role} as received; nullable
 * @param customAttributes WorkOS {@code custom_attributes} as received; nullable
 * @param version          the version of this state; never null
 * @param eventCreatedAt   {@code created_at} of the event that produced this state (for sync lag); never null
 * @param removed          true when the member left the directory
 */
public record Member(
        String organizationId,
        String directoryUserId,
        String directoryId,
        String idpId,
        String email,
        String firstName,
        String lastName,
        String state,
        JsonNode roles,
        JsonNode customAttributes,
        Version version,
        Instant eventCreatedAt,
        boolean removed) {

    public String key() {
        return EntityKeys.member(organizationId, directoryUserId);
    }

    public Member asRemoved(Version removalVersion, Instant removalEventCreatedAt) {
        return new Member(organizationId, directoryUserId, directoryId, idpId, email, firstName, lastName, state,
                roles, customAttributes, removalVersion, removalEventCreatedAt, true);
    }
}
