package dev.scimsync.verify;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.serde.Json;
import dev.scimsync.poller.directory.DirectoryApi;
import dev.scimsync.workos.DirectoryLookup;
import dev.scimsync.writer.query.DirectoryRows;
import dev.scimsync.writer.query.DirectoryRows.GroupRow;
import dev.scimsync.writer.query.DirectoryRows.MemberRow;
import dev.scimsync.writer.query.DirectoryRows.MembershipRow;

/**
 * An in-memory WorkOS directory ({@code directory_1}) for the organizations in {@link #organizations}: what the
 * scan lists and what single fetches answer, in WorkOS's shapes. {@link #duringScan} runs right after the users
 * are listed, to make a change the scan has missed; {@link #scanGate} holds the scan until opened.
 */
public final class FakeWorkos implements DirectoryApi, DirectoryLookup {

    public final Set<String> organizations = ConcurrentHashMap.newKeySet();
    private final Map<String, ObjectNode> users = new ConcurrentSkipListMap<>();
    private final Map<String, ObjectNode> groups = new ConcurrentSkipListMap<>();
    public volatile CountDownLatch scanGate = new CountDownLatch(0);
    public volatile Runnable duringScan = () -> { };
    public final AtomicInteger fetches = new AtomicInteger();

    public FakeWorkos(String... organizationIds) {
        organizations.addAll(List.of(organizationIds));
    }

    public FakeWorkos user(String id, String firstName, String... groupIds) {
        ObjectNode user = Json.MAPPER.createObjectNode().put("object", "directory_user").put("id", id)
                .put("directory_id", "directory_1").put("organization_id", "org_1").put("email", id + "@example.com")
                .put("first_name", firstName).put("last_name", "Last").put("state", "active");
        ArrayNode memberOf = user.putArray("groups");
        for (String groupId : groupIds) {
            memberOf.add(Json.MAPPER.createObjectNode().put("id", groupId));
        }
        users.put(id, user);
        return this;
    }

    public FakeWorkos group(String id, String name) {
        groups.put(id, Json.MAPPER.createObjectNode().put("object", "directory_group").put("id", id)
                .put("directory_id", "directory_1").put("name", name));
        return this;
    }

    public FakeWorkos removeUser(String id) {
        users.remove(id);
        return this;
    }

    /** The database rows of a pipeline that has applied everything WorkOS has now. */
    public DirectoryRows rows() {
        List<MemberRow> members = users.values().stream().map(u -> new MemberRow(u.path("id").asText(), "directory_1",
                u.path("email").asText(), u.path("first_name").asText(), u.path("last_name").asText(),
                u.path("state").asText())).toList();
        List<GroupRow> groupRows = groups.values().stream().map(g -> new GroupRow(g.path("id").asText(), "directory_1",
                g.path("name").asText())).toList();
        List<MembershipRow> memberships = users.values().stream().flatMap(u -> {
            List<MembershipRow> of = new java.util.ArrayList<>();
            u.path("groups").forEach(g -> of.add(new MembershipRow(g.path("id").asText(), u.path("id").asText())));
            return of.stream();
        }).toList();
        return new DirectoryRows(members, groupRows, memberships);
    }

    @Override
    public ListPage directories(String organizationId, String after, int limit) {
        return new ListPage(organizations.contains(organizationId)
                ? List.of(Json.MAPPER.createObjectNode().put("id", "directory_1")) : List.of(), null);
    }

    @Override
    public ListPage users(String directoryId, String after, int limit) {
        try {
            scanGate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        List<JsonNode> listed = users.values().stream().map(u -> (JsonNode) u.deepCopy()).toList();
        duringScan.run();
        return new ListPage(listed, null);
    }

    @Override
    public ListPage groups(String directoryId, String after, int limit) {
        return new ListPage(groups.values().stream().map(g -> (JsonNode) g.deepCopy()).toList(), null);
    }

    @Override
    public boolean organizationExists(String organizationId) {
        return organizations.contains(organizationId);
    }

    @Override
    public Optional<JsonNode> user(String directoryUserId) {
        fetches.incrementAndGet();
        return Optional.ofNullable(users.get(directoryUserId)).map(ObjectNode::deepCopy);
    }

    @Override
    public Optional<JsonNode> group(String directoryGroupId) {
        fetches.incrementAndGet();
        return Optional.ofNullable(groups.get(directoryGroupId)).map(ObjectNode::deepCopy);
    }
}
