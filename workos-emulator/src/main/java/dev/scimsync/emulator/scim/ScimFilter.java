package dev.scimsync.emulator.scim;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The one filter form IdPs use for lookups: {@code attribute eq "value"} (RFC 7644 §3.4.2.2). */
record ScimFilter(String attribute, String value) {

    private static final Pattern EQ = Pattern.compile("^\\s*([\\w.:]+)\\s+eq\\s+\"((?:[^\"\\\\]|\\\\.)*)\"\\s*$",
            Pattern.CASE_INSENSITIVE);

    /** @return null when {@code raw} is absent */
    static ScimFilter parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        Matcher m = EQ.matcher(raw);
        if (!m.matches()) {
            throw ScimErrors.error(400, "invalidFilter", "only 'attribute eq \"value\"' filters are supported");
        }
        String attribute = ScimPath.parse(m.group(1)).attribute();
        return new ScimFilter(attribute, m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
    }
}
