package dev.scimsync.admin;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.scimsync.deadletters.DeadLetterReader;
import dev.scimsync.verify.ResyncPreviews;
import dev.scimsync.writer.query.DirectoryQueries;

/**
 * The admin API's read routes over one organization's directory, and the resync preview: bounded database reads
 * (a page of members, at most {@value DirectoryQueries#MAX_GROUPS} groups, the latest sync runs, an hour of
 * changes per minute) and the newest dead letters. Their answers hold member data (emails, names) for the
 * console to show; none of it is logged.
 */
final class DirectoryRoutes {

    private static final String ID = "([A-Za-z0-9_\\-]+)";
    private static final Pattern MEMBERS = Pattern.compile("^/api/organizations/" + ID + "/members$");
    private static final Pattern GROUPS = Pattern.compile("^/api/organizations/" + ID + "/groups$");
    private static final Pattern SYNC_RUNS = Pattern.compile("^/api/organizations/" + ID + "/sync_runs$");
    private static final Pattern ACTIVITY = Pattern.compile("^/api/organizations/" + ID + "/activity$");
    private static final Pattern PREVIEW = Pattern.compile("^/api/organizations/" + ID + "/resync/preview$");
    private static final String DEAD_LETTERS = "/api/dead_letters";
    static final int DEFAULT_PAGE_SIZE = 25;
    static final int MAX_DEAD_LETTERS = 200;

    /** Changes per minute over the last hour, oldest minute first (60 values; minutes without one are 0). */
    record Activity(Instant since, List<Long> perMinute, long total) {

        /** The first minute of the hour ending with {@code now}'s minute. */
        static Instant since(Instant now) {
            return now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(59));
        }

        /** The hour from {@code since} out of counts keyed by their minute. */
        static Activity of(Instant since, Map<Instant, Long> changes) {
            List<Long> perMinute = new ArrayList<>(60);
            long total = 0;
            for (int i = 0; i < 60; i++) {
                long n = changes.getOrDefault(since.plus(Duration.ofMinutes(i)), 0L);
                perMinute.add(n);
                total += n;
            }
            return new Activity(since, perMinute, total);
        }
    }

    private final StatusSource status;
    private final DirectoryQueries queries;
    private final ResyncPreviews previews;
    private final DeadLetterReader deadLetters;
    private final Clock clock = Clock.systemUTC();

    DirectoryRoutes(StatusSource status, DirectoryQueries queries, ResyncPreviews previews,
                    DeadLetterReader deadLetters) {
        this.status = status;
        this.queries = queries;
        this.previews = previews;
        this.deadLetters = deadLetters;
    }

    /** Answers {@code path} when it is one of these routes; false otherwise. */
    boolean route(ApiExchange exchange, String path) {
        Matcher m;
        try {
            if ((m = MEMBERS.matcher(path)).matches()) {
                AdminApi.allow(exchange, "GET");
                members(exchange, known(m.group(1)));
            } else if ((m = GROUPS.matcher(path)).matches()) {
                AdminApi.allow(exchange, "GET");
                exchange.query(List.of());
                String organizationId = known(m.group(1));
                exchange.respond(200, Map.of("groups", database().groups(organizationId)));
            } else if ((m = SYNC_RUNS.matcher(path)).matches()) {
                AdminApi.allow(exchange, "GET");
                int limit = number(exchange.query(List.of("limit")), "limit", 20, 1, 200);
                String organizationId = known(m.group(1));
                exchange.respond(200, Map.of("sync_runs", database().syncRuns(organizationId, limit)));
            } else if ((m = ACTIVITY.matcher(path)).matches()) {
                AdminApi.allow(exchange, "GET");
                exchange.query(List.of());
                exchange.respond(200, activity(known(m.group(1))));
            } else if ((m = PREVIEW.matcher(path)).matches()) {
                preview(exchange, m.group(1));
            } else if (path.equals(DEAD_LETTERS)) {
                AdminApi.allow(exchange, "GET");
                int limit = number(exchange.query(List.of("limit")), "limit", 50, 1, MAX_DEAD_LETTERS);
                if (deadLetters == null) {
                    throw new ApiException(501, "this instance does not read the DLQ");
                }
                exchange.respond(200, deadLetters.newest(limit));
            } else {
                return false;
            }
            return true;
        } catch (SQLException e) {
            throw AdminApi.readFailed(path, e);
        }
    }

    private void members(ApiExchange exchange, String organizationId) throws SQLException {
        Map<String, String> query = exchange.query(List.of("search", "page", "page_size", "removed", "role",
                "seat_tier", "group", "source"));
        int page = number(query, "page", 0, 0, 1_000_000);
        int size = number(query, "page_size", DEFAULT_PAGE_SIZE, 1, DirectoryQueries.MAX_PAGE_SIZE);
        boolean removed = AdminApi.flag(query, "removed");
        for (String name : List.of("search", "role", "seat_tier", "group")) {
            if (query.containsKey(name) && query.get(name).length() > 200) {
                throw new ApiException(400, name + " is longer than 200 characters");
            }
        }
        String source = query.get("source");
        if (source != null && !source.equals("directory") && !source.equals("manual")) {
            throw new ApiException(400, "source must be directory or manual");
        }
        exchange.respond(200, database().members(organizationId, new DirectoryQueries.MemberFilter(query.get("search"),
                removed, query.get("role"), query.get("seat_tier"), query.get("group"), source), page, size));
    }

    private Activity activity(String organizationId) throws SQLException {
        Instant since = Activity.since(clock.instant());
        return Activity.of(since, database().changesPerMinute(organizationId, since));
    }

    private void preview(ApiExchange exchange, String organizationId) {
        AdminApi.allow(exchange, List.of("GET", "POST"));
        if (previews == null) {
            throw new ApiException(501, "a resync preview needs WorkOS and the organization database in one process: "
                    + "ask the instance that runs `scim-sync run`");
        }
        if (exchange.method().equals("GET")) {
            exchange.query(List.of());
            exchange.respond(200, previews.latest(organizationId).orElseThrow(() -> new ApiException(404,
                    "no resync preview of " + organizationId + " on this instance: POST to start one")));
            return;
        }
        Map<String, String> query = exchange.query(List.of("scope"));
        known(organizationId);
        try {
            exchange.respond(202, previews.start(organizationId, query.get("scope")));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    private String known(String organizationId) {
        if (status.status(organizationId).isEmpty()) {
            throw new ApiException(404, "unknown organization " + organizationId);
        }
        return organizationId;
    }

    private DirectoryQueries database() {
        return AdminApi.needsDatabase(queries);
    }

    private static int number(Map<String, String> query, String name, int absent, int min, int max) {
        String value = query.get(name);
        if (value == null) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new ApiException(400, name + " must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApiException(400, name + " must be a number, not '" + value + "'");
        }
    }
}
