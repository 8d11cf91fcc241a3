package dev.scimsync.admin;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The console's page frame and the few text helpers every page uses; all text is HTML-escaped here. */
final class ConsoleLayout {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private ConsoleLayout() {
    }

    /**
     * A whole page: {@code body} is HTML already escaped by its builder; {@code csrf} (null when signed out) goes
     * into a meta tag for the page's script and into the sign-out form.
     */
    static String page(String title, String csrf, String active, String organizationId, String body) {
        StringBuilder html = new StringBuilder(4096 + body.length());
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(title)).append(" · scim-sync</title>")
                .append("<link rel=\"stylesheet\" href=\"/static/console.css\">");
        if (csrf != null) {
            html.append("<meta name=\"csrf-token\" content=\"").append(esc(csrf)).append("\">")
                    .append("<script src=\"/static/console.js\" defer></script>");
        }
        html.append("</head><body><header class=\"top\"><a class=\"brand\" href=\"/\">scim-sync</a>");
        if (csrf != null) {
            html.append("<nav>").append(link("/organizations", "Organizations", active.equals("organizations")));
            if (organizationId != null) {
                String base = "/organizations/" + esc(organizationId);
                html.append(link(base, "Manage SCIM", active.equals("manage")))
                        .append(link(base + "/groups", "Groups", active.equals("groups")))
                        .append(link(base + "/members", "Members", active.equals("members")));
            }
            html.append(link("/dead-letters", "Dead letters", active.equals("dead-letters"))).append("</nav>")
                    .append("<form method=\"post\" action=\"/sign-out\" class=\"sign-out\">")
                    .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(esc(csrf)).append("\">")
                    .append("<button type=\"submit\" id=\"sign-out\">Sign out</button></form>");
        }
        html.append("</header><main>").append(body).append("</main></body></html>\n");
        return html.toString();
    }

    private static String link(String href, String text, boolean active) {
        return "<a href=\"" + href + "\"" + (active ? " class=\"active\" aria-current=\"page\"" : "") + ">" + esc(text)
                + "</a>";
    }

    /** A message box: kind {@code error}, {@code ok} or {@code info}. */
    static String message(String kind, String text) {
        return "<p class=\"message " + kind + "\" role=\"" + (kind.equals("error") ? "alert" : "status") + "\">"
                + esc(text) + "</p>";
    }

    static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** An instant for people, or "—". */
    static String time(Instant instant) {
        return instant == null ? "—" : TIME.format(instant);
    }

    /** "12 s ago", "5 min ago", "3 h ago", "2 d ago", or "—". */
    static String age(Instant instant, Instant now) {
        if (instant == null) {
            return "—";
        }
        long seconds = Math.max(0, Duration.between(instant, now).toSeconds());
        if (seconds < 90) {
            return seconds + " s ago";
        }
        if (seconds < 90 * 60) {
            return seconds / 60 + " min ago";
        }
        if (seconds < 36 * 3600) {
            return seconds / 3600 + " h ago";
        }
        return seconds / 86400 + " d ago";
    }

    static String seconds(Double value) {
        return value == null ? "—" : String.format(Locale.ROOT, "%.1f s", value);
    }

    /** A health badge: its text and its class. */
    static String badge(String text, String kind) {
        return "<span class=\"badge " + kind + "\">" + esc(text) + "</span>";
    }
}
