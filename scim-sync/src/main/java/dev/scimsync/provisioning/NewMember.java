package dev.scimsync.provisioning;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A member added by hand ({@code POST /api/organizations/{id}/members}): email required, names and role optional.
 * The email is stored trimmed (the switch compares emails trimmed and lower-cased anyway).
 */
public record NewMember(String email, String firstName, String lastName, String role) {

    /** The body's fields the request accepts. */
    public static final List<String> FIELDS = List.of("email", "first_name", "last_name", "role");

    /** Something before and after one @, no spaces: a typo guard, not RFC 5322. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
    private static final int MAX_EMAIL = 320;
    private static final int MAX_NAME = 200;
    private static final int MAX_ROLE = 100;

    /**
     * The member of a request body whose fields are already limited to {@link #FIELDS}.
     *
     * @throws IllegalArgumentException naming every problem of the body at once
     */
    public static NewMember from(JsonNode body) {
        List<String> problems = new ArrayList<>();
        String email = text(body, "email", MAX_EMAIL, problems);
        boolean emailRead = problems.isEmpty();
        if (emailRead && email == null) {
            problems.add("email is required");
        } else if (emailRead && !EMAIL.matcher(email).matches()) {
            problems.add("email must look like name@domain (no spaces)");
        }
        String firstName = text(body, "first_name", MAX_NAME, problems);
        String lastName = text(body, "last_name", MAX_NAME, problems);
        String role = text(body, "role", MAX_ROLE, problems);
        if ("owner".equals(role)) {
            problems.add("role owner is only the Primary Owner's");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid member: " + String.join("; ", problems));
        }
        return new NewMember(email, firstName, lastName, role);
    }

    /** A trimmed text field, null when absent, null or blank; a problem when of another type or too long. */
    private static String text(JsonNode body, String field, int max, List<String> problems) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            problems.add(field + " must be text");
            return null;
        }
        String value = node.asText().strip();
        if (value.length() > max) {
            problems.add(field + " is longer than " + max + " characters");
            return null;
        }
        return value.isEmpty() ? null : value;
    }
}
