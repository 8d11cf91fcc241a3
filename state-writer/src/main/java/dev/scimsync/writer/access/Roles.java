package dev.scimsync.writer.access;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The built-in roles and what they may do. Custom roles (an organization's {@code access_roles}) may not take these
 * names. {@value #EVERYTHING} stands for every capability, the ones custom roles name included.
 */
public final class Roles {

    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";
    public static final String EVERYTHING = "*";

    /** Built-in role → capabilities, in the order documented in docs/database.md. */
    public static final Map<String, List<String>> BUILT_IN;

    static {
        Map<String, List<String>> roles = new LinkedHashMap<>();
        roles.put(OWNER, List.of(EVERYTHING));
        roles.put(ADMIN, List.of("billing.view", "groups.manage", "members.manage", "settings.manage"));
        roles.put(MEMBER, List.of());
        BUILT_IN = Map.copyOf(roles);
    }

    private Roles() {
    }

    public static boolean isBuiltIn(String role) {
        return BUILT_IN.containsKey(role);
    }

    /** True when a member going from {@code before} to {@code after} loses a capability it had. */
    public static boolean strips(Set<String> before, Set<String> after) {
        return !after.contains(EVERYTHING) && !after.containsAll(before);
    }
}
