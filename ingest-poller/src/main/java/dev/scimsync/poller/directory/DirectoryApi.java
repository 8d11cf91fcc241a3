package dev.scimsync.poller.directory;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * WorkOS's Directory Sync lists, as raw JSON objects in WorkOS's shapes: what a rescan of one organization
 * reads. One call is one HTTP request; paging and pacing are the caller's ({@link DirectoryScanner}).
 */
public interface DirectoryApi {

    /** {@code GET /directories?organization_id=…}: one page of the organization's directories. */
    ListPage directories(String organizationId, String after, int limit);

    /** {@code GET /directory_users?directory=…}: one page of users, each with its {@code groups}. */
    ListPage users(String directoryId, String after, int limit);

    /** {@code GET /directory_groups?directory=…}: one page of groups. */
    ListPage groups(String directoryId, String after, int limit);

    /** {@code GET /organizations/{id}}: the organization, empty when WorkOS answers 404. */
    default Optional<JsonNode> organization(String organizationId) {
        throw new UnsupportedOperationException("GET /organizations/{id} is not implemented by " + getClass());
    }

    /** {@code GET /directory_users/{id}}: one user with its {@code groups}, empty when WorkOS answers 404. */
    default Optional<JsonNode> user(String directoryUserId) {
        throw new UnsupportedOperationException("GET /directory_users/{id} is not implemented by " + getClass());
    }

    /** {@code GET /directory_groups/{id}}: one group, empty when WorkOS answers 404. */
    default Optional<JsonNode> group(String directoryGroupId) {
        throw new UnsupportedOperationException("GET /directory_groups/{id} is not implemented by " + getClass());
    }

    /** One page: its objects in order and the cursor for the next page ({@code null} on the last). */
    record ListPage(List<JsonNode> data, String after) {
        public ListPage {
            data = List.copyOf(data);
        }
    }
}
