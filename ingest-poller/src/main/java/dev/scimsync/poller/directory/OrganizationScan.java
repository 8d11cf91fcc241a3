package dev.scimsync.poller.directory;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Everything WorkOS lists for one organization at one time: its directories, their users (each with its
 * {@code groups}) and groups, as WorkOS's raw JSON objects.
 *
 * @param requests how many WorkOS requests the scan made (retries included)
 */
public record OrganizationScan(String organizationId, List<String> directoryIds, List<JsonNode> users,
                               List<JsonNode> groups, int requests, Duration took) {

    public OrganizationScan {
        directoryIds = List.copyOf(directoryIds);
        users = List.copyOf(users);
        groups = List.copyOf(groups);
    }
}
