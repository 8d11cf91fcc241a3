package dev.scimsync.emulator.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.http.Exchange;
import dev.scimsync.emulator.model.DirectoryGroup;
import dev.scimsync.emulator.model.EmulatorModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /scim/v2/{directory}/Groups[/{id}]}. */
final class ScimGroupsEndpoint {

    private final EmulatorModel model;

    ScimGroupsEndpoint(EmulatorModel model) {
        this.model = model;
    }

    void create(Exchange exchange, String directoryId) {
        JsonNode body = exchange.body();
        String externalId = body.hasNonNull("externalId") ? body.get("externalId").asText() : null;
        DirectoryGroup group = model.createGroup(directoryId, externalId,
                ScimGroupMapper.displayName(body.get("displayName")), ScimGroupMapper.memberIds(body.get("members")));
        String location = location(exchange, directoryId, group.id());
        exchange.respond(201, ScimGroupMapper.resource(group, model.memberIds(directoryId, group.id()), location),
                ScimErrors.CONTENT_TYPE, Map.of("Location", location));
    }

    void list(Exchange exchange, String directoryId) {
        ScimFilter filter = ScimFilter.parse(exchange.query("filter"));
        int startIndex = ScimListResponse.startIndex(exchange);
        int count = ScimListResponse.count(exchange);
        boolean withMembers = !String.valueOf(exchange.query("excludedAttributes")).contains("members");
        List<DirectoryGroup> groups;
        int total;
        if (filter == null) {
            total = model.groupCount(directoryId);
            groups = model.groupSlice(directoryId, startIndex - 1, count);
        } else if (filter.attribute().equals("displayName") || filter.attribute().equals("externalId")) {
            boolean byName = filter.attribute().equals("displayName");
            groups = model.groupSlice(directoryId, 0, Integer.MAX_VALUE).stream()
                    .filter(g -> filter.value().equals(byName ? g.name() : g.idpId())).toList();
            total = groups.size();
        } else {
            throw ScimErrors.error(400, "invalidFilter", "Groups can be filtered by displayName or externalId only");
        }
        List<ObjectNode> resources = new ArrayList<>();
        groups.forEach(g -> resources.add(ScimGroupMapper.resource(g,
                withMembers ? model.memberIds(directoryId, g.id()) : null, location(exchange, directoryId, g.id()))));
        exchange.respond(200, ScimListResponse.render(total, startIndex, resources), ScimErrors.CONTENT_TYPE, Map.of());
    }

    void get(Exchange exchange, String directoryId, String id) {
        respond(exchange, directoryId, id);
    }

    /** PUT replaces the name and the whole member list (absent members means none). */
    void replace(Exchange exchange, String directoryId, String id) {
        JsonNode body = exchange.body();
        model.group(directoryId, id);
        List<String> members = ScimGroupMapper.memberIds(body.get("members"));
        model.renameGroup(directoryId, id, ScimGroupMapper.displayName(body.get("displayName")));
        model.replaceMembers(directoryId, id, members);
        respond(exchange, directoryId, id);
    }

    void patch(Exchange exchange, String directoryId, String id) {
        new GroupPatcher(model, directoryId, id).apply(PatchOperation.parse(exchange.body()));
        // Okta accepts 204 but Entra ID and others expect the resource back; like every operation that returns a
        // resource, it may leave attributes out (RFC 7644 3.9): with excludedAttributes=members a group of
        // thousands is not listed back for each membership change
        respond(exchange, directoryId, id);
    }

    void delete(Exchange exchange, String directoryId, String id) {
        model.deleteGroup(directoryId, id);
        exchange.respondEmpty(204);
    }

    private void respond(Exchange exchange, String directoryId, String id) {
        DirectoryGroup group = model.group(directoryId, id);
        boolean withMembers = !String.valueOf(exchange.query("excludedAttributes")).contains("members");
        exchange.respond(200, ScimGroupMapper.resource(group, withMembers ? model.memberIds(directoryId, id) : null,
                location(exchange, directoryId, id)), ScimErrors.CONTENT_TYPE, Map.of());
    }

    private static String location(Exchange exchange, String directoryId, String id) {
        return "http://" + exchange.header("Host") + "/scim/v2/" + directoryId + "/Groups/" + id;
    }
}
