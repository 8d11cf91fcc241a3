package dev.scimsync.emulator.scim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.json.WorkosObjects;
import dev.scimsync.emulator.model.DirectoryUser;
import dev.scimsync.emulator.model.UserAttributes;
import dev.scimsync.emulator.model.UserEmail;

import java.util.ArrayList;
import java.util.List;

/** SCIM User resource ⇄ {@link UserAttributes}. The SCIM id is the WorkOS directory user id. */
final class ScimUserMapper {

    private ScimUserMapper() {
    }

    /** The resource without {@code id} and {@code meta}: the attributes a PATCH may change. */
    static ObjectNode attributes(UserAttributes a) {
        ObjectNode node = Json.object();
        node.putArray("schemas").add(ScimSchemas.USER);
        node.put("externalId", a.idpId());
        node.put("userName", a.userName());
        node.putObject("name").put("givenName", a.firstName()).put("familyName", a.lastName());
        ArrayNode emails = node.putArray("emails");
        a.emails().forEach(e -> emails.addObject().put("value", e.value()).put("type", e.type())
                .put("primary", e.primary()));
        node.put("active", a.active());
        return node;
    }

    static ObjectNode resource(DirectoryUser user, String location) {
        ObjectNode node = Json.object();
        node.putArray("schemas").add(ScimSchemas.USER);
        node.put("id", user.id());
        node.setAll(attributes(user.attributes()));
        ObjectNode meta = node.putObject("meta");
        meta.put("resourceType", "User");
        meta.put("created", WorkosObjects.timestamp(user.createdAt()));
        meta.put("lastModified", WorkosObjects.timestamp(user.updatedAt()));
        meta.put("location", location);
        return node;
    }

    static UserAttributes parse(JsonNode body) {
        if (!body.isObject()) {
            throw ScimErrors.invalidValue("a User resource must be a JSON object");
        }
        String userName = text(body.get("userName"));
        if (userName == null || userName.isBlank()) {
            throw ScimErrors.error(400, "invalidValue", "userName is required");
        }
        JsonNode name = body.path("name");
        return new UserAttributes(text(body.get("externalId")), userName, text(name.get("givenName")),
                text(name.get("familyName")), emails(body.get("emails")), active(body.get("active")));
    }

    private static List<UserEmail> emails(JsonNode emails) {
        List<UserEmail> out = new ArrayList<>();
        if (emails == null || !emails.isArray()) {
            return out;
        }
        for (JsonNode e : emails) {
            String value = text(e.get("value"));
            if (value != null) {
                String type = text(e.get("type"));
                out.add(new UserEmail(value, type == null ? "work" : type, bool(e.get("primary"), false)));
            }
        }
        if (out.size() == 1 && !out.get(0).primary()) {
            out.set(0, new UserEmail(out.get(0).value(), out.get(0).type(), true));
        }
        return out;
    }

    // some IdPs (Entra ID) send "True"/"False" strings for booleans
    private static boolean active(JsonNode node) {
        return bool(node, true);
    }

    private static boolean bool(JsonNode node, boolean fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual() && (node.asText().equalsIgnoreCase("true") || node.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(node.asText().toLowerCase());
        }
        throw ScimErrors.invalidValue("expected a boolean but got " + node);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
