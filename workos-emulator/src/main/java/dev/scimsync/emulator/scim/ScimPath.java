package dev.scimsync.emulator.scim;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed SCIM attribute path: {@code attr}, {@code attr.sub}, or the value-filter form
 * {@code attr[filterAttr eq "value"].sub}. Attribute names are canonicalised because SCIM
 * names are case-insensitive.
 */
record ScimPath(String attribute, String subAttribute, String filterAttribute, String filterValue) {

    private static final Pattern VALUE_PATH = Pattern.compile(
            "^([\\w$-]+)\\[\\s*([\\w$.-]+)\\s+eq\\s+\"([^\"]*)\"\\s*](?:\\.([\\w$-]+))?$", Pattern.CASE_INSENSITIVE);
    private static final String CORE_PREFIX = "urn:ietf:params:scim:schemas:core:2.0:";
    private static final Map<String, String> CANONICAL = Map.ofEntries(
            Map.entry("username", "userName"), Map.entry("name", "name"), Map.entry("givenname", "givenName"),
            Map.entry("familyname", "familyName"), Map.entry("emails", "emails"), Map.entry("active", "active"),
            Map.entry("externalid", "externalId"), Map.entry("displayname", "displayName"),
            Map.entry("members", "members"), Map.entry("value", "value"), Map.entry("type", "type"),
            Map.entry("primary", "primary"));

    static ScimPath parse(String raw) {
        String path = stripSchema(raw.trim());
        Matcher m = VALUE_PATH.matcher(path);
        if (m.matches()) {
            return new ScimPath(canonical(m.group(1)), m.group(4) == null ? null : canonical(m.group(4)),
                    canonical(m.group(2)), m.group(3));
        }
        if (path.contains("[")) {
            throw ScimErrors.error(400, "invalidPath", "unsupported path filter: " + raw);
        }
        int dot = path.indexOf('.');
        return dot < 0 ? new ScimPath(canonical(path), null, null, null)
                : new ScimPath(canonical(path.substring(0, dot)), canonical(path.substring(dot + 1)), null, null);
    }

    boolean hasFilter() {
        return filterAttribute != null;
    }

    private static String stripSchema(String path) {
        if (path.regionMatches(true, 0, CORE_PREFIX, 0, CORE_PREFIX.length())) {
            int colon = path.indexOf(':', CORE_PREFIX.length());
            return colon < 0 ? path : path.substring(colon + 1);
        }
        return path;
    }

    private static String canonical(String name) {
        return CANONICAL.getOrDefault(name.toLowerCase(Locale.ROOT), name);
    }
}
