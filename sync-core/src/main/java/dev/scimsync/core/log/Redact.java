package dev.scimsync.core.log;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Masks what must never reach a log in clear: email addresses and secrets. */
public final class Redact {

    private static final Pattern EMAIL = Pattern.compile("([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+)");

    private Redact() {
    }

    /** {@code jane.doe@example.com} → {@code j***@example.com}; null stays null. */
    public static String email(String email) {
        if (email == null) {
            return null;
        }
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }

    /** Masks every email address inside a free text (e.g. an error body quoted in a log line). */
    public static String emailsIn(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = EMAIL.matcher(text);
        return m.replaceAll("$1***@$2");
    }

    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern URL_USERINFO = Pattern.compile("(//[^/:@]+):[^@/]*@");

    /** A URL (e.g. a JDBC URL) with any password in it masked: {@code password=…} and {@code user:pass@}. */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        return URL_USERINFO.matcher(URL_PASSWORD.matcher(url).replaceAll("$1******")).replaceAll("$1:******@");
    }

    /** A secret as it may be printed: its length and nothing else. */
    public static String secret(String secret) {
        if (secret == null || secret.isEmpty()) {
            return "(not set)";
        }
        return "****** (" + secret.length() + " chars)";
    }
}
