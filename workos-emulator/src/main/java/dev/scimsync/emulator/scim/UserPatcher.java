package dev.scimsync.emulator.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Applies PatchOp operations to a User resource's JSON. The patched JSON is then parsed like a
 * PUT body, so PATCH and PUT share one path into the model.
 */
final class UserPatcher {

    private UserPatcher() {
    }

    static void apply(ObjectNode resource, List<PatchOperation> operations) {
        for (PatchOperation operation : operations) {
            if (operation.path() == null) {
                Iterator<Map.Entry<String, JsonNode>> fields = operation.value().fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    applyAt(resource, operation.op(), ScimPath.parse(field.getKey()), field.getValue());
                }
            } else {
                applyAt(resource, operation.op(), ScimPath.parse(operation.path()), operation.value());
            }
        }
    }

    private static void applyAt(ObjectNode resource, String op, ScimPath path, JsonNode value) {
        if (path.hasFilter()) {
            applyFiltered(resource, op, path, value);
            return;
        }
        if (op.equals("remove")) {
            if (path.subAttribute() == null) {
                resource.remove(path.attribute());
            } else if (resource.get(path.attribute()) instanceof ObjectNode) {
                ((ObjectNode) resource.get(path.attribute())).remove(path.subAttribute());
            }
            return;
        }
        requireValue(value, path);
        if (path.subAttribute() != null) {
            objectAt(resource, path.attribute()).set(path.subAttribute(), value);
            return;
        }
        JsonNode existing = resource.get(path.attribute());
        if (existing instanceof ObjectNode && value.isObject()) {
            // complex attribute: listed sub-attributes replace, others stay (RFC 7644 §3.5.2.3)
            ((ObjectNode) existing).setAll((ObjectNode) value);
        } else if (op.equals("add") && existing instanceof ArrayNode && value.isArray()) {
            ((ArrayNode) existing).addAll((ArrayNode) value);
        } else {
            resource.set(path.attribute(), value);
        }
    }

    /** {@code emails[type eq "work"].value}: change the matching element, adding it if absent. */
    private static void applyFiltered(ObjectNode resource, String op, ScimPath path, JsonNode value) {
        JsonNode current = resource.get(path.attribute());
        ArrayNode array = current instanceof ArrayNode ? (ArrayNode) current : resource.putArray(path.attribute());
        for (int i = 0; i < array.size(); i++) {
            JsonNode element = array.get(i);
            if (path.filterValue().equalsIgnoreCase(element.path(path.filterAttribute()).asText())) {
                if (op.equals("remove")) {
                    if (path.subAttribute() == null) {
                        array.remove(i);
                    } else {
                        ((ObjectNode) element).remove(path.subAttribute());
                    }
                } else if (path.subAttribute() == null) {
                    if (value == null || !value.isObject()) {
                        throw ScimErrors.invalidValue("'" + path.attribute() + "[…]' needs an object value");
                    }
                    ((ObjectNode) element).setAll((ObjectNode) value);
                } else {
                    ((ObjectNode) element).set(path.subAttribute(), value);
                }
                return;
            }
        }
        if (!op.equals("remove")) {
            requireValue(value, path);
            ObjectNode added = array.addObject().put(path.filterAttribute(), path.filterValue());
            if (path.subAttribute() == null && value.isObject()) {
                added.setAll((ObjectNode) value);
            } else {
                added.set(path.subAttribute() == null ? "value" : path.subAttribute(), value);
            }
        }
    }

    private static ObjectNode objectAt(ObjectNode resource, String attribute) {
        JsonNode node = resource.get(attribute);
        return node instanceof ObjectNode ? (ObjectNode) node : resource.putObject(attribute);
    }

    private static void requireValue(JsonNode value, ScimPath path) {
        if (value == null || value instanceof NullNode) {
            throw ScimErrors.invalidValue("operation on '" + path.attribute() + "' needs a value");
        }
    }
}
