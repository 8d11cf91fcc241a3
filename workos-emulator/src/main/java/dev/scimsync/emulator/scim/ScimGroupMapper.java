package dev.scimsync.emulator.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.json.WorkosObjects;
import dev.scimsync.emulator.model.DirectoryGroup;

import java.util.ArrayList;
import java.util.List;

/** SCIM Group resource rendering and member-list parsing. */
final class ScimGroupMapper {

    private ScimGroupMapper() {
    }

    /** @param memberIds null to leave {@code members} out ({@code excludedAttributes=members}) */
    static ObjectNode resource(DirectoryGroup group, List<String> memberIds, String location) {
        ObjectNode node = Json.object();
        node.putArray("schemas").add(ScimSchemas.GROUP);
        node.put("id", group.id());
        node.put("externalId", group.idpId());
        node.put("displayName", group.name());
        if (memberIds != null) {
            ArrayNode members = node.putArray("members");
            memberIds.forEach(id -> members.addObject().put("value", id));
        }
        ObjectNode meta = node.putObject("meta");
        meta.put("resourceType", "Group");
        meta.put("created", WorkosObjects.timestamp(group.createdAt()));
        meta.put("lastModified", WorkosObjects.timestamp(group.updatedAt()));
        meta.put("location", location);
        return node;
    }

    /** Member ids from {@code [{"value":id},…]}, a single {@code {"value":id}}, or null (none). */
    static List<String> memberIds(JsonNode members) {
        List<String> ids = new ArrayList<>();
        if (members == null || members.isNull()) {
            return ids;
        }
        if (members.isObject()) {
            addMember(ids, members);
        } else if (members.isArray()) {
            members.forEach(member -> addMember(ids, member));
        } else {
            throw ScimErrors.invalidValue("members must be a list of {\"value\": id}");
        }
        return ids;
    }

    static String displayName(JsonNode node) {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw ScimErrors.invalidValue("displayName is required");
        }
        return node.asText();
    }

    private static void addMember(List<String> ids, JsonNode member) {
        JsonNode value = member.get("value");
        if (value == null || !value.isTextual()) {
            throw ScimErrors.invalidValue("each member needs a 'value'");
        }
        ids.add(value.asText());
    }
}
