package dev.scimsync.emulator.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.model.Directory;
import dev.scimsync.emulator.model.DirectoryGroup;
import dev.scimsync.emulator.model.DirectoryUser;
import dev.scimsync.emulator.model.DirectoryUserView;
import dev.scimsync.emulator.model.UserAttributes;
import dev.scimsync.emulator.model.UserEmail;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Renders model objects exactly as the WorkOS API does ({@code directory_user},
 * {@code directory_group}, {@code directory}), for both list endpoints and event payloads.
 */
public final class WorkosObjects {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final String SCIM_USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
    private static final String SCIM_GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";

    private WorkosObjects() {
    }

    public static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    public static ObjectNode directoryUser(DirectoryUser user) {
        UserAttributes a = user.attributes();
        ObjectNode node = Json.object();
        node.put("object", "directory_user");
        node.put("id", user.id());
        node.put("directory_id", user.directoryId());
        node.put("organization_id", user.organizationId());
        node.put("idp_id", a.idpId());
        node.put("first_name", a.firstName());
        node.put("last_name", a.lastName());
        node.put("email", user.email());
        node.set("emails", emails(a, false));
        node.put("username", a.userName());
        node.put("state", user.state().wireValue());
        node.set("custom_attributes", Json.object());
        node.set("raw_attributes", rawUser(a));
        node.set("role", Json.object().put("slug", "member"));
        node.set("roles", Json.array().add(Json.object().put("slug", "member")));
        node.put("created_at", timestamp(user.createdAt()));
        node.put("updated_at", timestamp(user.updatedAt()));
        return node;
    }

    /** The list/get shape: the user plus the groups they belong to. */
    public static ObjectNode directoryUser(DirectoryUserView view) {
        ObjectNode node = directoryUser(view.user());
        ArrayNode groups = node.putArray("groups");
        view.groups().forEach(g -> groups.add(directoryGroup(g)));
        return node;
    }

    public static ObjectNode directoryGroup(DirectoryGroup group) {
        ObjectNode node = Json.object();
        node.put("object", "directory_group");
        node.put("id", group.id());
        node.put("idp_id", group.idpId());
        node.put("directory_id", group.directoryId());
        node.put("organization_id", group.organizationId());
        node.put("name", group.name());
        node.put("created_at", timestamp(group.createdAt()));
        node.put("updated_at", timestamp(group.updatedAt()));
        ObjectNode raw = node.putObject("raw_attributes");
        raw.set("schemas", Json.array().add(SCIM_GROUP_SCHEMA));
        raw.put("externalId", group.idpId());
        raw.put("displayName", group.name());
        return node;
    }

    public static ObjectNode directory(Directory directory, String state) {
        ObjectNode node = Json.object();
        node.put("object", "directory");
        node.put("id", directory.id());
        node.put("organization_id", directory.organizationId());
        node.put("external_key", directory.id().substring(directory.id().length() - 16));
        node.put("name", directory.name());
        node.put("type", Directory.TYPE);
        node.put("state", state);
        node.putNull("domain");
        node.put("created_at", timestamp(directory.createdAt()));
        node.put("updated_at", timestamp(directory.updatedAt()));
        return node;
    }

    // raw_attributes stand in for the IdP's SCIM payload; derived, not stored, to keep 100k users small
    private static ObjectNode rawUser(UserAttributes a) {
        ObjectNode raw = Json.object();
        raw.set("schemas", Json.array().add(SCIM_USER_SCHEMA));
        raw.put("externalId", a.idpId());
        raw.put("userName", a.userName());
        raw.putObject("name").put("givenName", a.firstName()).put("familyName", a.lastName());
        raw.set("emails", emails(a, true));
        raw.put("active", a.active());
        return raw;
    }

    private static ArrayNode emails(UserAttributes a, boolean valueFirst) {
        ArrayNode emails = Json.array();
        for (UserEmail email : a.emails()) {
            ObjectNode e = emails.addObject();
            if (valueFirst) {
                e.put("value", email.value()).put("type", email.type()).put("primary", email.primary());
            } else {
                e.put("primary", email.primary()).put("type", email.type()).put("value", email.value());
            }
        }
        return emails;
    }
}
