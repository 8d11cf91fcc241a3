package dev.scimsync.workos;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/** Single objects from WorkOS: whether it knows an organization, one user or one group as it is now. */
public interface DirectoryLookup {

    /**
     * Whether WorkOS knows the organization; quick (one request, bounded), for an admin request to wait on.
     *
     * @throws WorkosUnavailableException when WorkOS did not answer in time or answered with an error
     */
    boolean organizationExists(String organizationId);

    /** The user as WorkOS serves it now, with its {@code groups}; empty when WorkOS has no such user. */
    Optional<JsonNode> user(String directoryUserId) throws InterruptedException;

    /** The group as WorkOS serves it now; empty when WorkOS has no such group. */
    Optional<JsonNode> group(String directoryGroupId) throws InterruptedException;
}
