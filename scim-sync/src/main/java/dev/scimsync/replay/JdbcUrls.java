package dev.scimsync.replay;

import java.util.regex.Pattern;

/** JDBC URL edits. */
final class JdbcUrls {

    private static final Pattern CURRENT_SCHEMA = Pattern.compile("([?&])currentSchema=[^&]*");

    private JdbcUrls() {
    }

    /** {@code url} with {@code currentSchema} set to {@code schema} (replaced when the URL names one). */
    static String withSchema(String url, String schema) {
        if (CURRENT_SCHEMA.matcher(url).find()) {
            return CURRENT_SCHEMA.matcher(url).replaceFirst("$1currentSchema=" + schema);
        }
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
