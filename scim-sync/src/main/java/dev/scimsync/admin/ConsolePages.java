package dev.scimsync.admin;

import static dev.scimsync.admin.ConsoleLayout.age;
import static dev.scimsync.admin.ConsoleLayout.badge;
import static dev.scimsync.admin.ConsoleLayout.esc;
import static dev.scimsync.admin.ConsoleLayout.message;
import static dev.scimsync.admin.ConsoleLayout.seconds;
import static dev.scimsync.admin.ConsoleLayout.time;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.scimsync.deadletters.DeadLetterReader;
import dev.scimsync.writer.access.MemberAccess;
import dev.scimsync.writer.query.DirectoryQueries;

/**
 * The console's pages as HTML, from data its handlers read (the same services the API uses). Member data is
 * written into the page for the admin to see, escaped, and never logged.
 */
final class ConsolePages {

    /** Lag (WorkOS event to database) above which an organization is shown as lagging. */
    static final double LAGGING_SECONDS = 60;

    /** The organization's health for the badge, the first that applies in this order. */
    enum Health {
        RESYNC_HELD("resync held", "warn"), DRIFT_FOUND("drift found", "bad"), DEAD_LETTERS("DLQ entries", "warn"),
        LAGGING("lagging", "warn"), NO_EVENTS("no events yet", "info"), IN_SYNC("in sync", "ok");

        final String text;
        final String kind;

        Health(String text, String kind) {
            this.text = text;
            this.kind = kind;
        }

        static Health of(Map<String, Object> status, Boolean lastVerifyInSync, long deadLetters) {
            if ("held".equals(status.get("last_resync_state"))) {
                return RESYNC_HELD;
            }
            if (Boolean.FALSE.equals(lastVerifyInSync)) {
                return DRIFT_FOUND;
            }
            if (deadLetters > 0) {
                return DEAD_LETTERS;
            }
            if (status.get("lag_seconds") instanceof Double lag && lag > LAGGING_SECONDS) {
                return LAGGING;
            }
            if (status.get("last_event_created_at") == null) {
                return NO_EVENTS;
            }
            return IN_SYNC;
        }

        String badge() {
            return ConsoleLayout.badge(text, kind);
        }
    }

    /** One row of the organizations table. */
    record OrganizationRow(Map<String, Object> status, Health health, long deadLetters) {
    }

    private ConsolePages() {
    }

    static String signIn(String loginCsrf, String error) {
        String body = "<section class=\"card narrow\"><h1>Sign in</h1>"
                + "<p>Enter the admin token (<code>SCIM_SYNC_ADMIN_TOKEN</code>, or in zero-setup mode the "
                + "<code>admin-token</code> file of the data directory).</p>"
                + (error == null ? "" : message("error", error))
                + "<form method=\"post\" action=\"/sign-in\" autocomplete=\"off\">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(loginCsrf) + "\">"
                + "<label for=\"token\">Admin token</label>"
                + "<input type=\"password\" id=\"token\" name=\"token\" required autofocus>"
                + "<button type=\"submit\" id=\"sign-in\">Sign in</button></form></section>";
        return ConsoleLayout.page("Sign in", null, "", null, body);
    }

    static String error(String csrf, String title, String text) {
        return ConsoleLayout.page(title, csrf, "", null, "<h1>" + esc(title) + "</h1>" + message("error", text)
                + "<p><a href=\"/organizations\">Back to the organizations</a></p>");
    }

    static String organizations(String csrf, List<OrganizationRow> rows, Instant now, String dlqNote) {
        StringBuilder body = new StringBuilder("<h1>Organizations</h1>");
        if (dlqNote != null) {
            body.append(message("info", dlqNote));
        }
        if (rows.isEmpty()) {
            body.append(message("info", "No organization yet: the first event of a directory creates it."));
            return ConsoleLayout.page("Organizations", csrf, "organizations", null, body.toString());
        }
        body.append("<table id=\"organizations\"><thead><tr><th>Organization</th><th>Mode</th>")
                .append("<th class=\"num\">Members</th><th class=\"num\">Groups</th><th>Last event</th>")
                .append("<th class=\"num\">Lag</th><th>Health</th></tr></thead><tbody>");
        for (OrganizationRow row : rows) {
            Map<String, Object> s = row.status();
            String id = String.valueOf(s.get("id"));
            Instant last = (Instant) s.get("last_event_created_at");
            body.append("<tr data-org=\"").append(esc(id)).append("\"><td><a href=\"/organizations/").append(esc(id))
                    .append("\">").append(esc(s.get("name") == null ? id : s.get("name"))).append("</a>")
                    .append("<div class=\"sub\">").append(esc(id)).append("</div></td>")
                    .append("<td>").append(esc(s.get("provisioning_mode"))).append("</td>")
                    .append("<td class=\"num\">").append(esc(s.get("members"))).append("</td>")
                    .append("<td class=\"num\">").append(esc(s.get("groups"))).append("</td>")
                    .append("<td>").append(esc(time(last))).append("<div class=\"sub\">").append(esc(age(last, now)))
                    .append("</div></td><td class=\"num\">").append(esc(seconds((Double) s.get("lag_seconds"))))
                    .append("</td><td class=\"health\">").append(row.health().badge());
            if (row.deadLetters() > 0) {
                body.append(" <a class=\"sub\" href=\"/dead-letters\">").append(row.deadLetters()).append(" in DLQ</a>");
            }
            body.append("</td></tr>");
        }
        body.append("</tbody></table>");
        return ConsoleLayout.page("Organizations", csrf, "organizations", null, body.toString());
    }

    static String manage(String csrf, Map<String, Object> s, Health health, List<Long> perMinute, long changesInHour,
                         List<DirectoryQueries.SyncRun> runs, Instant now) {
        String id = String.valueOf(s.get("id"));
        Instant last = (Instant) s.get("last_event_created_at");
        StringBuilder body = new StringBuilder();
        body.append("<h1>Manage SCIM <span class=\"sub\">").append(esc(s.get("name") == null ? id : s.get("name")))
                .append("</span></h1><div class=\"grid\"><section class=\"card\" id=\"automatic\" data-refresh>")
                .append("<h2>Automatic sync</h2><dl>")
                .append("<dt>Health</dt><dd id=\"health\">").append(health.badge()).append("</dd>")
                .append("<dt>Provisioning mode</dt><dd>").append(esc(s.get("provisioning_mode"))).append("</dd>")
                .append("<dt>Last event</dt><dd>").append(esc(time(last))).append(" <span class=\"sub\">")
                .append(esc(age(last, now))).append("</span></dd>")
                .append("<dt>Lag</dt><dd>").append(esc(seconds((Double) s.get("lag_seconds")))).append("</dd>")
                .append("<dt>Members / groups / memberships</dt><dd id=\"counts\">").append(esc(s.get("members"))).append(" / ")
                .append(esc(s.get("groups"))).append(" / ").append(esc(s.get("memberships"))).append("</dd></dl>")
                .append("<h3>Directory changes per minute, last hour</h3>")
                .append(ConsoleChart.bars(perMinute, changesInHour))
                .append("</section>");
        body.append("<section class=\"card\" id=\"sync-now\" data-org=\"").append(esc(id)).append("\">")
                .append("<h2>Sync now</h2><p>A full rescan of the organization's directory in WorkOS. Preview it "
                        + "first (a dry run: nothing changes), then run it.</p>")
                .append(heldOnArrival(syncFlow(null), s))
                .append("</section></div>");
        body.append("<section class=\"card\" id=\"verify\" data-org=\"").append(esc(id)).append("\">")
                .append("<h2>Verify</h2><p>Compares the database with the directory in WorkOS (read-only).</p>")
                .append("<button type=\"button\" id=\"verify-start\">Verify</button>")
                .append("<div id=\"verify-status\" aria-live=\"polite\"></div><div id=\"verify-report\"></div>")
                .append("</section>");
        body.append("<section class=\"card\" id=\"sync-runs-card\" data-refresh><h2>Sync runs</h2>")
                .append(runsTable(runs)).append("</section>");
        return ConsoleLayout.page("Manage SCIM", csrf, "manage", id, body.toString());
    }

    /**
     * The preview → run → progress flow of a resync ({@code console.js} drives it); {@code fixedScope} null lets
     * the admin choose members, groups or both.
     */
    static String syncFlow(String fixedScope) {
        StringBuilder html = new StringBuilder("<div class=\"sync-flow\"");
        if (fixedScope != null) {
            html.append(" data-scope=\"").append(esc(fixedScope)).append("\">");
        } else {
            html.append("><fieldset class=\"scope\"><legend>Scope</legend>");
            for (String scope : List.of("both", "members", "groups")) {
                html.append("<label><input type=\"radio\" name=\"scope\" value=\"").append(scope).append("\"")
                        .append(scope.equals("both") ? " checked" : "").append("> ").append(scope).append("</label>");
            }
            html.append("</fieldset>");
        }
        html.append("<div class=\"buttons\"><button type=\"button\" class=\"preview\">Preview changes</button>")
                .append("<button type=\"button\" class=\"run\" disabled>Run sync</button></div>")
                .append("<div class=\"flow-message\" aria-live=\"polite\"></div>")
                .append("<div class=\"progress\" hidden><div class=\"progress-line\"><span class=\"phase\"></span>")
                .append("<span class=\"records\"></span><span class=\"eta\"></span></div>")
                .append("<progress max=\"100\" value=\"0\"></progress></div>")
                .append("<div class=\"held\" hidden><p class=\"message warn held-note\"></p>")
                .append("<button type=\"button\" class=\"force danger\">Remove anyway</button></div>")
                .append("<div class=\"preview-list\"></div></div>");
        return html.toString();
    }

    /**
     * The flow with the organization's last resync shown as held (why, and "Remove anyway" for its scope) when it
     * is: an admin who arrives after a held resync — started here, by the CLI or by the API — can act on it.
     */
    static String heldOnArrival(String flow, Map<String, Object> status) {
        if (!"held".equals(status.get("last_resync_state"))
                || !(status.get("last_resync_sweep") instanceof Map<?, ?> sweep)) {
            return flow;
        }
        String scope = sweep.get("scope") == null ? "both" : String.valueOf(sweep.get("scope"));
        return flow.replaceFirst("<div class=\"sync-flow\"", "<div class=\"sync-flow\" data-held-scope=\""
                        + esc(scope) + "\"")
                .replace("<div class=\"held\" hidden><p class=\"message warn held-note\"></p>",
                        "<div class=\"held\"><p class=\"message warn held-note\">" + esc("The last " + scope
                                + " sync (" + status.get("last_resync_id") + ") was held: " + sweep.get("note"))
                                + "</p>");
    }

    static String runsTable(List<DirectoryQueries.SyncRun> runs) {
        if (runs.isEmpty()) {
            return "<p class=\"sub\" id=\"sync-runs-empty\">No sync run yet.</p>";
        }
        StringBuilder html = new StringBuilder("<table id=\"sync-runs\"><thead><tr><th>Started</th><th>Kind</th>"
                + "<th>Scope</th><th>State</th><th class=\"num\">Removed</th><th>Note</th></tr></thead><tbody>");
        for (DirectoryQueries.SyncRun run : runs) {
            html.append("<tr><td>").append(esc(time(run.startedAt()))).append("</td><td>").append(esc(run.kind()))
                    .append(run.dryRun() ? " " + badge("dry run", "info") : "").append("</td><td>")
                    .append(esc(run.scope() == null ? "—" : run.scope())).append("</td><td>")
                    .append(badge(run.state(), stateKind(run.state()))).append("</td><td class=\"num\">")
                    .append(esc(run.removed() == null ? "—" : run.removed())).append("</td><td class=\"note\">")
                    .append(esc(run.note())).append("</td></tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    static String groups(String csrf, String organizationId, String name, List<DirectoryQueries.GroupListing> groups) {
        StringBuilder body = new StringBuilder("<h1>Groups <span class=\"sub\">")
                .append(esc(name == null ? organizationId : name)).append("</span></h1>")
                .append("<section class=\"card\" id=\"check-updates\" data-org=\"").append(esc(organizationId))
                .append("\"><h2>Check for updates</h2><p>Rescans the groups and their memberships in WorkOS.</p>")
                .append(syncFlow("groups").replace("Run sync", "Check for updates"))
                .append("</section><section class=\"card\" id=\"group-list\" data-refresh>");
        if (groups.isEmpty()) {
            body.append("<p class=\"sub\">No groups.</p>");
        } else {
            body.append("<table id=\"groups\"><thead><tr><th>Group</th><th class=\"num\">Members</th>")
                    .append("<th>Mapping</th><th>Updated</th></tr></thead><tbody>");
            for (DirectoryQueries.GroupListing g : groups) {
                body.append("<tr><td>").append(esc(g.name())).append("<div class=\"sub\">")
                        .append(esc(g.directoryGroupId())).append("</div></td><td class=\"num\">").append(g.members())
                        .append("</td><td class=\"sub\" title=\"group mappings are not built yet\">—</td><td>")
                        .append(esc(time(g.updatedAt()))).append("</td></tr>");
            }
            body.append("</tbody></table>");
            if (groups.size() >= DirectoryQueries.MAX_GROUPS) {
                body.append(message("info", "Only the first " + DirectoryQueries.MAX_GROUPS + " groups are listed."));
            }
        }
        body.append("</section>");
        return ConsoleLayout.page("Groups", csrf, "groups", organizationId, body.toString());
    }

    static String members(String csrf, String organizationId, String name, DirectoryQueries.MemberPage page,
                          String search, boolean removed) {
        String base = "/organizations/" + esc(organizationId) + "/members";
        StringBuilder body = new StringBuilder("<h1>Members <span class=\"sub\">")
                .append(esc(name == null ? organizationId : name)).append("</span></h1>")
                .append("<form method=\"get\" action=\"").append(base).append("\" class=\"search\" role=\"search\">")
                .append("<input type=\"search\" name=\"search\" id=\"member-search\" placeholder=\"email or name\" value=\"")
                .append(esc(search)).append("\"><label><input type=\"checkbox\" name=\"removed\" value=\"true\"")
                .append(removed ? " checked" : "").append(" id=\"show-removed\"> show removed members</label>")
                .append("<button type=\"submit\" id=\"member-search-go\">Search</button></form>");
        long pages = Math.max(1, (page.total() + page.pageSize() - 1) / page.pageSize());
        body.append("<p class=\"sub\" id=\"member-count\">").append(page.total()).append(page.total() == 1 ? " member" : " members")
                .append(removed ? " (removed included)" : "").append(", page ").append(page.page() + 1).append(" of ")
                .append(pages).append("</p>");
        if (!page.members().isEmpty()) {
            body.append("<table id=\"members\"><thead><tr><th>Email</th><th>Name</th><th>State</th><th>Source</th>")
                    .append("<th>Role</th><th>Seat</th><th>Groups</th></tr></thead><tbody>");
            for (DirectoryQueries.MemberListing m : page.members()) {
                String names = ((m.firstName() == null ? "" : m.firstName()) + " "
                        + (m.lastName() == null ? "" : m.lastName())).strip();
                body.append("<tr").append(m.removedAt() != null ? " class=\"removed\"" : "").append("><td class=\"email\">")
                        .append(esc(m.email())).append("</td><td>").append(esc(names)).append("</td><td>")
                        .append(m.removedAt() != null ? badge("removed " + time(m.removedAt()), "bad")
                                : esc(m.state())).append("</td><td>").append(esc(m.source()))
                        .append("directory".equals(m.source()) ? " " + badge("SCIM-managed", "info") : "")
                        .append("</td>").append(access(m.access()))
                        .append("<td>").append(esc(String.join(", ", m.groups()))).append("</td></tr>");
            }
            body.append("</tbody></table>");
        }
        body.append("<nav class=\"pager\">");
        String query = (search == null || search.isBlank() ? "" : "&search=" + esc(url(search)))
                + (removed ? "&removed=true" : "");
        if (page.page() > 0) {
            body.append("<a id=\"page-previous\" href=\"").append(base).append("?page=").append(page.page() - 1)
                    .append(query).append("\">← Previous</a>");
        }
        if (page.page() + 1 < pages) {
            body.append("<a id=\"page-next\" href=\"").append(base).append("?page=").append(page.page() + 1)
                    .append(query).append("\">Next →</a>");
        }
        body.append("</nav>");
        return ConsoleLayout.page("Members", csrf, "members", organizationId, body.toString());
    }

    /** Role and seat cells; the title says what decided each (a group id, the default, the Primary Owner…). */
    private static String access(MemberAccess access) {
        if (access == null) {
            return "<td></td><td></td>";
        }
        String limit = access.spendLimit() == null ? "" : " · limit " + access.spendLimit().amount() / 100 + "."
                + String.format("%02d", access.spendLimit().amount() % 100) + " " + access.spendLimit().currency();
        return "<td class=\"role\" title=\"decided by " + esc(access.decidedBy().role()) + "\">"
                + esc(access.role() == null ? "—" : access.role()) + "</td><td class=\"seat\" title=\"decided by "
                + esc(access.decidedBy().seatTier()) + "\">" + esc(access.seatTier() == null ? "no seat" : access.seatTier())
                + esc(limit) + "</td>";
    }

    static String deadLetters(String csrf, DeadLetterReader.Listing listing, String unavailable) {
        StringBuilder body = new StringBuilder("<h1>Dead letters</h1><p>Records a stage could not process and sent to "
                + "the DLQ topic instead of stopping: why, and which event. The newest are listed.</p>");
        if (unavailable != null) {
            body.append(message("error", unavailable));
            return ConsoleLayout.page("Dead letters", csrf, "dead-letters", null, body.toString());
        }
        if (listing.entries().isEmpty()) {
            body.append(message("ok", "The DLQ is empty: every change arrived."));
            return ConsoleLayout.page("Dead letters", csrf, "dead-letters", null, body.toString());
        }
        Map<String, Long> perStage = new TreeMap<>();
        listing.entries().forEach(l -> perStage.merge(l.stage() == null ? "unknown" : l.stage(), 1L, Long::sum));
        body.append("<p id=\"dlq-summary\">").append(listing.entries().size()).append(" listed");
        perStage.forEach((stage, n) -> body.append(" · ").append(esc(stage)).append(": ").append(n));
        body.append("</p>");
        if (!listing.complete()) {
            body.append(message("info", "The DLQ topic did not answer in time; this list may be incomplete."));
        }
        body.append("<table id=\"dead-letters\"><thead><tr><th>Time</th><th>Stage</th><th>Reason</th><th>Event</th>")
                .append("<th>Organization</th><th>Source</th></tr></thead><tbody>");
        for (DeadLetterReader.DeadLetter l : listing.entries()) {
            body.append("<tr><td>").append(esc(time(l.at()))).append("</td><td>").append(esc(l.stage()))
                    .append("</td><td class=\"note\">").append(esc(l.reason()))
                    .append(l.exception() == null ? "" : "<div class=\"sub\">" + esc(l.exception()) + "</div>")
                    .append("</td><td>").append(esc(l.eventId() == null ? "—" : l.eventId())).append("</td><td>")
                    .append(l.organizationId() == null ? "—" : "<a href=\"/organizations/" + esc(l.organizationId())
                            + "\">" + esc(l.organizationId()) + "</a>")
                    .append("</td><td class=\"sub\">").append(esc(l.source() == null ? l.position() : l.source()))
                    .append("</td></tr>");
        }
        body.append("</tbody></table>");
        return ConsoleLayout.page("Dead letters", csrf, "dead-letters", null, body.toString());
    }

    static String stateKind(String state) {
        return switch (state == null ? "" : state.toLowerCase(Locale.ROOT)) {
            case "completed" -> "ok";
            case "held", "running", "queued", "rebuilding", "switching" -> "warn";
            case "failed" -> "bad";
            default -> "info";
        };
    }

    private static String url(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
