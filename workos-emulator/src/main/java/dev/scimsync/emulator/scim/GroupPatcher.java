package dev.scimsync.emulator.scim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scimsync.emulator.model.EmulatorModel;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns Group PatchOp operations into model calls, in order. Member changes go through the
 * model one operation at a time, so each emits exactly the membership events it causes.
 */
final class GroupPatcher {

    private final EmulatorModel model;
    private final String directoryId;
    private final String groupId;

    GroupPatcher(EmulatorModel model, String directoryId, String groupId) {
        this.model = model;
        this.directoryId = directoryId;
        this.groupId = groupId;
    }

    void apply(List<PatchOperation> operations) {
        model.group(directoryId, groupId); // 404 before anything changes
        for (PatchOperation operation : operations) {
            if (operation.path() == null) {
                Iterator<Map.Entry<String, JsonNode>> fields = operation.value().fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    applyAttribute(operation.op(), ScimPath.parse(field.getKey()).attribute(), field.getValue());
                }
                continue;
            }
            ScimPath path = ScimPath.parse(operation.path());
            if (path.attribute().equals("members") && path.hasFilter()) {
                // members[value eq "id"]: Entra ID's way to remove one member
                List<String> ids = List.of(path.filterValue());
                if (operation.op().equals("remove")) {
                    model.removeMembers(directoryId, groupId, ids);
                } else {
                    model.addMembers(directoryId, groupId, ids);
                }
            } else {
                applyAttribute(operation.op(), path.attribute(), operation.value());
            }
        }
    }

    private void applyAttribute(String op, String attribute, JsonNode value) {
        switch (attribute) {
            case "members" -> applyMembers(op, value);
            case "displayName" -> {
                if (op.equals("remove")) {
                    throw ScimErrors.error(400, "mutability", "displayName cannot be removed");
                }
                model.renameGroup(directoryId, groupId, ScimGroupMapper.displayName(value));
            }
            case "externalId", "id", "schemas", "meta" -> {
                // the emulator keeps the group's ids; IdPs echo these back in replace operations
            }
            default -> throw ScimErrors.error(400, "invalidPath", "unsupported Group attribute '" + attribute + "'");
        }
    }

    private void applyMembers(String op, JsonNode value) {
        List<String> ids = ScimGroupMapper.memberIds(value);
        switch (op) {
            case "add" -> model.addMembers(directoryId, groupId, ids);
            case "replace" -> model.replaceMembers(directoryId, groupId, ids);
            default -> {
                if (value == null || value.isNull()) {
                    model.replaceMembers(directoryId, groupId, List.of()); // remove "members": all of them
                } else {
                    model.removeMembers(directoryId, groupId, ids);
                }
            }
        }
    }
}
