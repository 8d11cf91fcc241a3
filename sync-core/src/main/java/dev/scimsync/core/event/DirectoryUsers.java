package dev.scimsync.core.event;

import com.fasterxml.jackson.databind.JsonNode;

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

    /** A text field, or {@code null} when absent, null or not text. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }
}
