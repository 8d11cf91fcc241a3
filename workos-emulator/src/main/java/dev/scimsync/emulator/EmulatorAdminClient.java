package dev.scimsync.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.faults.FaultSettings;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.model.DirectorySnapshot;
import dev.scimsync.emulator.model.SeedResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives an emulator over HTTP like an operator (admin API) and like an IdP (SCIM). Integration
 * tests in other modules use it against a running {@link WorkosEmulator} or a remote one.
 */
public final class EmulatorAdminClient {

    private static final String SCIM_JSON = "application/scim+json";

    private final String baseUrl;
    private final HttpClient http;

    public EmulatorAdminClient(String baseUrl) {
        this(baseUrl, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    public EmulatorAdminClient(String baseUrl, HttpClient http) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = http;
    }

    // --- admin API

    /** @return the new organization's id */
    public String createOrganization(String name) {
        return admin("POST", "/organizations", Json.object().put("name", name)).get("id").asText();
    }

    /** Creates a directory (emits {@code dsync.activated}). */
    public CreatedDirectory createDirectory(String organizationId, String name) {
        JsonNode body = admin("POST", "/directories", Json.object().put("organization_id", organizationId)
                .put("name", name));
        return new CreatedDirectory(body.get("id").asText(), body.get("organization_id").asText(),
                body.get("scim_token").asText());
    }

    /** Deletes a directory (emits {@code dsync.deleted} only). */
    public void deleteDirectory(String directoryId) {
        admin("DELETE", "/directories/" + directoryId, null);
    }

    public SeedResult seed(String directoryId, int users, int groups, int membershipsPerUser, boolean emitEvents) {
        JsonNode body = admin("POST", "/directories/" + directoryId + "/seed", Json.object().put("users", users)
                .put("groups", groups).put("memberships_per_user", membershipsPerUser).put("emit_events", emitEvents));
        return convert(body, SeedResult.class);
    }

    /** Removes the {@code users} oldest users without events (missed deletions); returns their ids. */
    public List<String> drop(String directoryId, int users) {
        return drop(directoryId, users, false);
    }

    public List<String> drop(String directoryId, int users, boolean emitEvents) {
        JsonNode body = admin("POST", "/directories/" + directoryId + "/drop",
                Json.object().put("users", users).put("emit_events", emitEvents));
        List<String> ids = new ArrayList<>();
        body.path("user_ids").forEach(id -> ids.add(id.asText()));
        return ids;
    }

    public DirectorySnapshot snapshot(String directoryId) {
        return convert(admin("GET", "/directories/" + directoryId + "/snapshot", null), DirectorySnapshot.class);
    }

    public void setFaults(FaultSettings faults) {
        admin("POST", "/faults", Json.SNAKE_CASE.valueToTree(faults));
    }

    public void clearFaults() {
        admin("DELETE", "/faults", null);
    }

    // --- SCIM, as an IdP

    /** @return the SCIM id, which is the WorkOS directory user id */
    public String scimCreateUser(String directoryId, String token, String userName, String givenName,
                                 String familyName, boolean active) {
        return scim("POST", directoryId, token, "/Users", scimUser(userName, givenName, familyName, active))
                .get("id").asText();
    }

    public void scimPatchUserActive(String directoryId, String token, String userId, boolean active) {
        scim("PATCH", directoryId, token, "/Users/" + userId,
                patch(Json.object().put("op", "replace").put("path", "active").put("value", active)));
    }

    public void scimReplaceUser(String directoryId, String token, String userId, String userName, String givenName,
                                String familyName, boolean active) {
        scim("PUT", directoryId, token, "/Users/" + userId, scimUser(userName, givenName, familyName, active));
    }

    public void scimDeleteUser(String directoryId, String token, String userId) {
        scim("DELETE", directoryId, token, "/Users/" + userId, null);
    }

    /** @return the SCIM id, which is the WorkOS directory group id */
    public String scimCreateGroup(String directoryId, String token, String displayName, List<String> memberIds) {
        ObjectNode group = Json.object();
        group.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:Group");
        group.put("displayName", displayName);
        group.set("members", members(memberIds));
        return scim("POST", directoryId, token, "/Groups", group).get("id").asText();
    }

    /** One PatchOp with an {@code add} and/or a {@code remove} of {@code members}. */
    public void scimPatchGroupMembers(String directoryId, String token, String groupId, List<String> add,
                                      List<String> remove) {
        List<ObjectNode> operations = new ArrayList<>();
        if (!add.isEmpty()) {
            operations.add(Json.object().put("op", "add").put("path", "members").set("value", members(add)));
        }
        if (!remove.isEmpty()) {
            operations.add(Json.object().put("op", "remove").put("path", "members").set("value", members(remove)));
        }
        // the answer is not read: the group's members are not asked back (a large group would cost the emulator more
        // than the change)
        scim("PATCH", directoryId, token, "/Groups/" + groupId + "?excludedAttributes=members",
                patch(operations.toArray(ObjectNode[]::new)));
    }

    public void scimRenameGroup(String directoryId, String token, String groupId, String displayName) {
        scim("PATCH", directoryId, token, "/Groups/" + groupId, patch(Json.object().put("op", "replace")
                .put("path", "displayName").put("value", displayName)));
    }

    public void scimDeleteGroup(String directoryId, String token, String groupId) {
        scim("DELETE", directoryId, token, "/Groups/" + groupId, null);
    }

    /**
     * Any SCIM call, for requests the helpers do not cover. {@code path} is relative to the
     * directory's SCIM base, e.g. {@code /Users?filter=…}. Throws on non-2xx.
     */
    public JsonNode scim(String method, String directoryId, String token, String path, JsonNode body) {
        return send(method, "/scim/v2/" + directoryId + path, "Bearer " + token, body, SCIM_JSON);
    }

    private JsonNode admin(String method, String path, JsonNode body) {
        return send(method, "/_emulator" + path, null, body, "application/json");
    }

    private JsonNode send(String method, String path, String authorization, JsonNode body, String contentType) {
        String description = method + " " + path;
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", contentType)
                    .header("Accept", contentType)
                    .method(method, publisher);
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new EmulatorClientException(description, response.statusCode(), response.body());
            }
            return response.body().isEmpty() ? NullNode.getInstance() : Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(description + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(description + " interrupted", e);
        }
    }

    private static ObjectNode scimUser(String userName, String givenName, String familyName, boolean active) {
        ObjectNode user = Json.object();
        user.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:User");
        user.put("userName", userName);
        user.putObject("name").put("givenName", givenName).put("familyName", familyName);
        user.putArray("emails").addObject().put("value", userName).put("type", "work").put("primary", true);
        user.put("active", active);
        return user;
    }

    private static ObjectNode patch(ObjectNode... operations) {
        ObjectNode body = Json.object();
        body.putArray("schemas").add("urn:ietf:params:scim:api:messages:2.0:PatchOp");
        ArrayNode array = body.putArray("Operations");
        for (ObjectNode operation : operations) {
            array.add(operation);
        }
        return body;
    }

    private static ArrayNode members(List<String> ids) {
        ArrayNode members = Json.array();
        ids.forEach(id -> members.addObject().put("value", id));
        return members;
    }

    private static <T> T convert(JsonNode body, Class<T> type) {
        try {
            return Json.SNAKE_CASE.treeToValue(body, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("unexpected " + type.getSimpleName() + " from the emulator: " + body, e);
        }
    }
}
