package dev.scimsync.core.event;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Version;

/** Reading WorkOS directory user objects the same way wherever they come from (events or list pages). */
public final class DirectoryUsers {

    private DirectoryUsers() {
    }

    /** WorkOS's top-level {@code email}, else the primary (or first) of the older {@code emails} list. */
    public static String email(JsonNode user) {
        String email = text(user, "email");
        if (email != null) {
            return email;
        }
        String first = null;
        for (JsonNode e : user.path("emails")) {
            String value = text(e, "value");
            if (e.path("primary").asBoolean(false) && value != null) {
                return value;
            }
            first = first == null ? value : first;
        }
        return first;
    }

    /**
     * A directory user object as a present member of {@code organizationId}: the fields the sync stores, read the
     * same way from an event, a resync's snapshot item or a list page. The caller checked that it has an id.
     */
    public static Member member(String organizationId, JsonNode user, Version version, Instant eventCreatedAt) {
        return new Member(organizationId, text(user, "id"), text(user, "directory_id"), text(user, "idp_id"),
                email(user), text(user, "first_name"), text(user, "last_name"), text(user, "state"), roles(user),
                user.hasNonNull("custom_attributes") ? user.get("custom_attributes") : null, version, eventCreatedAt,
                false);
    }

    /** {@code roles} as received, else the single {@code role}; null when neither. */
    public static JsonNode roles(JsonNode user) {
        if (user.hasNonNull("roles")) {
            return user.get("roles");
        }
        return user.hasNonNull("role") ? user.get("role") : null;
    }

    /** A text field, or {@code null} when absent, null or not text. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }
}
