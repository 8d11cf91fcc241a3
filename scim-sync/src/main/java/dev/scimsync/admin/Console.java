package dev.scimsync.admin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.core.log.Redact;
import dev.scimsync.deadletters.DeadLetterReader;
import dev.scimsync.verify.VerifyRun;
import dev.scimsync.writer.query.DirectoryQueries;

/**
 * The admin console: server-rendered pages over the same services as the API, signed in with the admin token.
 * The browser holds only a session cookie ({@code HttpOnly}, {@code SameSite=Strict}); every state-changing
 * request carries the session's CSRF token (a form field, or the {@code X-CSRF-Token} header of the page's
 * script). The pages' actions call {@code /console/api/…}, which is the API ({@link AdminApi}) behind the session
 * instead of the bearer token. Errors are shown as messages on the page; the admin token and member data are
 * never logged.
 */
final class Console {

    private static final Logger LOG = LoggerFactory.getLogger(Console.class);
    private static final String ID = "([A-Za-z0-9_\\-]{1,200})";
    private static final Pattern MANAGE = Pattern.compile("^/organizations/" + ID + "$");
    private static final Pattern GROUPS = Pattern.compile("^/organizations/" + ID + "/groups$");
    private static final Pattern MEMBERS = Pattern.compile("^/organizations/" + ID + "/members$");
    private static final String CONSOLE_API = "/console/api/";
    private static final String HTML = "text/html; charset=utf-8";
    private static final Duration DLQ_CACHE = Duration.ofSeconds(10);
    private static final int DLQ_LIMIT = 100;
    /** Pages and the script load only from here; nothing inline runs, nothing is framed. */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final AdminToken token;
    private final StatusSource status;
    private final AdminServices services;
    private final AdminApi api;
    private final ConsoleSessions sessions;
    private final Clock clock;
    private final Map<String, byte[]> staticFiles = new HashMap<>();
    private volatile CachedDeadLetters deadLetters;

    private record CachedDeadLetters(DeadLetterReader.Listing listing, Instant readAt) {
    }

    Console(AdminToken token, StatusSource status, AdminServices services, AdminApi api, Clock clock) {
        this.token = token;
        this.status = status;
        this.services = services;
        this.api = api;
        this.clock = clock;
        this.sessions = new ConsoleSessions(clock);
        for (String name : List.of("console.css", "console.js")) {
            try (InputStream in = Console.class.getResourceAsStream("console/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("the console's " + name + " is missing from the jar");
                }
                staticFiles.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the console's " + name, e);
            }
        }
    }

    /** Whether {@code path} is the console's (pages, its static files, its API). */
    static boolean owns(String path) {
        return path.equals("/") || path.equals("/sign-in") || path.equals("/sign-out")
                || path.equals("/organizations") || path.startsWith("/organizations/") || path.equals("/dead-letters")
                || path.startsWith("/static/") || path.startsWith(CONSOLE_API);
    }

    /** Answers a console request; may read the database, so it runs on the API's threads. */
    void handle(ApiExchange exchange) {
        String path = exchange.path();
        exchange.header("Cache-Control", "no-store");
        exchange.header("X-Content-Type-Options", "nosniff");
        exchange.header("Referrer-Policy", "no-referrer");
        exchange.header("Content-Security-Policy", CSP);
        try {
            if (path.startsWith("/static/")) {
                staticFile(exchange, path.substring("/static/".length()));
            } else if (path.equals("/sign-in")) {
                signIn(exchange);
            } else if (path.equals("/sign-out")) {
                signOut(exchange);
            } else if (path.startsWith(CONSOLE_API)) {
                consoleApi(exchange, path);
            } else {
                page(exchange, path);
            }
        } catch (ApiException e) {
            if (path.startsWith(CONSOLE_API)) {
                e.respond(exchange);
            } else {
                exchange.respond(e.status(), ConsolePages.error(csrfOf(exchange), title(e.status()), e.getMessage()),
                        HTML);
            }
        } catch (RuntimeException e) {
            LOG.warn("console {} failed: {}", path, Redact.emailsIn(e.toString()));
            if (path.startsWith(CONSOLE_API)) {
                exchange.respond(500, new ApiResponses.Error("internal error"));
            } else {
                exchange.respond(500, ConsolePages.error(csrfOf(exchange), "Something went wrong",
                        "The page could not be built; the instance's log says why."), HTML);
            }
        }
    }

    private void signIn(ApiExchange exchange) {
        if (exchange.method().equals("GET")) {
            exchange.query(List.of());
            showSignIn(exchange, 200, null);
            return;
        }
        AdminApi.allow(exchange, List.of("GET", "POST"));
        Map<String, String> form = exchange.formBody();
        String loginCsrf = exchange.cookie(ConsoleSessions.LOGIN_COOKIE);
        if (loginCsrf == null || !loginCsrf.equals(form.get("csrf"))) {
            showSignIn(exchange, 403, "The sign-in form expired; try again.");
            return;
        }
        String given = form.getOrDefault("token", "").strip();
        if (given.isEmpty() || !token.accepts("Bearer " + given)) {
            showSignIn(exchange, 401, "Wrong admin token.");
            return;
        }
        ConsoleSessions.Session session = sessions.create();
        exchange.addHeader("Set-Cookie", ConsoleSessions.COOKIE + "=" + session.id()
                + "; Path=/; HttpOnly; SameSite=Strict");
        exchange.addHeader("Set-Cookie", ConsoleSessions.LOGIN_COOKIE + "=; Path=/sign-in; HttpOnly; SameSite=Strict; "
                + "Max-Age=0");
        exchange.redirect("/organizations");
    }

    private void showSignIn(ApiExchange exchange, int statusCode, String error) {
        String loginCsrf = ConsoleSessions.randomToken();
        exchange.addHeader("Set-Cookie", ConsoleSessions.LOGIN_COOKIE + "=" + loginCsrf
                + "; Path=/sign-in; HttpOnly; SameSite=Strict");
        exchange.respond(statusCode, ConsolePages.signIn(loginCsrf, error), HTML);
    }

    private void signOut(ApiExchange exchange) {
        AdminApi.allow(exchange, "POST");
        Optional<ConsoleSessions.Session> session = session(exchange);
        if (session.isPresent()) {
            if (!ConsoleSessions.csrfMatches(session.get(), exchange.formBody().get("csrf"))) {
                throw new ApiException(403, "The request did not carry this page's CSRF token; reload and try again.");
            }
            sessions.end(session.get().id());
        }
        exchange.addHeader("Set-Cookie", ConsoleSessions.COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        exchange.redirect("/sign-in");
    }

    private void consoleApi(ApiExchange exchange, String path) {
        ConsoleSessions.Session session = session(exchange).orElseThrow(() -> new ApiException(401,
                "signed out: sign in again"));
        if (!exchange.method().equals("GET") && !ConsoleSessions.csrfMatches(session, exchange.header("X-CSRF-Token"))) {
            throw new ApiException(403, "missing or wrong CSRF token: reload the page");
        }
        api.handleAuthenticated(exchange, "/api/" + path.substring(CONSOLE_API.length()));
    }

    private void page(ApiExchange exchange, String path) {
        Optional<ConsoleSessions.Session> session = session(exchange);
        if (session.isEmpty()) {
            if (!exchange.method().equals("GET")) {
                throw new ApiException(403, "Signed out: sign in again.");
            }
            exchange.redirect("/sign-in");
            return;
        }
        AdminApi.allow(exchange, "GET");
        String csrf = session.get().csrfToken();
        Matcher m;
        if (path.equals("/")) {
            exchange.redirect("/organizations");
        } else if (path.equals("/organizations")) {
            exchange.query(List.of());
            exchange.respond(200, organizations(csrf), HTML);
        } else if ((m = MANAGE.matcher(path)).matches()) {
            exchange.query(List.of());
            exchange.respond(200, manage(csrf, m.group(1)), HTML);
        } else if ((m = GROUPS.matcher(path)).matches()) {
            exchange.query(List.of());
            String organizationId = m.group(1);
            Map<String, Object> s = known(organizationId);
            exchange.respond(200, ConsolePages.groups(csrf, organizationId, (String) s.get("name"),
                    read(() -> database().groups(organizationId))), HTML);
        } else if ((m = MEMBERS.matcher(path)).matches()) {
            exchange.respond(200, members(exchange, csrf, m.group(1)), HTML);
        } else if (path.equals("/dead-letters")) {
            exchange.query(List.of());
            exchange.respond(200, deadLettersPage(csrf), HTML);
        } else {
            throw new ApiException(404, "There is no page at " + path + ".");
        }
    }

    private String organizations(String csrf) {
        Instant now = clock.instant();
        DeadLetterReader.Listing letters = deadLetters();
        Map<String, Long> lettersPerOrganization = new HashMap<>();
        if (letters != null) {
            letters.entries().stream().filter(l -> l.organizationId() != null)
                    .forEach(l -> lettersPerOrganization.merge(l.organizationId(), 1L, Long::sum));
        }
        List<ConsolePages.OrganizationRow> rows = new ArrayList<>();
        for (Map<String, Object> summary : status.organizations()) {
            String id = String.valueOf(summary.get("id"));
            Map<String, Object> s = status.status(id).orElse(summary);
            long dlq = lettersPerOrganization.getOrDefault(id, 0L);
            rows.add(new ConsolePages.OrganizationRow(s, ConsolePages.Health.of(s, lastVerifyInSync(id), dlq), dlq));
        }
        return ConsolePages.organizations(csrf, rows, now, letters == null ? "The DLQ could not be read; the "
                + "health badges leave it out." : null);
    }

    private String manage(String csrf, String organizationId) {
        Map<String, Object> s = known(organizationId);
        DeadLetterReader.Listing letters = deadLetters();
        long dlq = letters == null ? 0 : letters.entries().stream()
                .filter(l -> organizationId.equals(l.organizationId())).count();
        Instant now = clock.instant();
        Instant since = DirectoryRoutes.Activity.since(now);
        DirectoryRoutes.Activity activity = DirectoryRoutes.Activity.of(since,
                read(() -> database().changesPerMinute(organizationId, since)));
        return ConsolePages.manage(csrf, s, ConsolePages.Health.of(s, lastVerifyInSync(organizationId), dlq),
                activity.perMinute(), activity.total(), read(() -> database().syncRuns(organizationId, 20)), now);
    }

    private String members(ApiExchange exchange, String csrf, String organizationId) {
        Map<String, String> query = exchange.query(List.of("search", "page", "removed"));
        Map<String, Object> s = known(organizationId);
        String search = query.get("search");
        if (search != null && search.length() > 200) {
            throw new ApiException(400, "The search is longer than 200 characters.");
        }
        int page;
        try {
            page = Math.max(0, Integer.parseInt(query.getOrDefault("page", "0")));
        } catch (NumberFormatException e) {
            throw new ApiException(400, "The page must be a number.");
        }
        boolean removed = "true".equals(query.get("removed"));
        DirectoryQueries.MemberPage members = read(() -> database().members(organizationId, DirectoryQueries.MemberFilter.search(search, removed), page,
                DirectoryRoutes.DEFAULT_PAGE_SIZE));
        return ConsolePages.members(csrf, organizationId, (String) s.get("name"), members, search, removed);
    }

    private String deadLettersPage(String csrf) {
        if (services.deadLetters() == null) {
            return ConsolePages.deadLetters(csrf, null, "This instance does not read the DLQ.");
        }
        DeadLetterReader.Listing letters = deadLetters();
        return ConsolePages.deadLetters(csrf, letters, letters == null ? "The DLQ topic could not be read; try again."
                : null);
    }

    /** The newest dead letters, read at most every {@link #DLQ_CACHE}; null when they cannot be read. */
    private DeadLetterReader.Listing deadLetters() {
        if (services.deadLetters() == null) {
            return null;
        }
        CachedDeadLetters cached = deadLetters;
        if (cached != null && cached.readAt().plus(DLQ_CACHE).isAfter(clock.instant())) {
            return cached.listing();
        }
        try {
            DeadLetterReader.Listing listing = services.deadLetters().newest(DLQ_LIMIT);
            deadLetters = new CachedDeadLetters(listing, clock.instant());
            return listing;
        } catch (RuntimeException e) {
            LOG.warn("reading the DLQ for the console failed: {}", e.toString());
            return null;
        }
    }

    private Boolean lastVerifyInSync(String organizationId) {
        if (services.verifier() == null) {
            return null;
        }
        return services.verifier().latest(organizationId).filter(r -> VerifyRun.COMPLETED.equals(r.state()))
                .map(r -> (Boolean) r.report().get("in_sync")).orElse(null);
    }

    private Map<String, Object> known(String organizationId) {
        return status.status(organizationId).orElseThrow(() -> new ApiException(404,
                "Unknown organization " + organizationId + "."));
    }

    private DirectoryQueries database() {
        if (services.directory() == null) {
            throw new ApiException(501, "This instance has no organization database.");
        }
        return services.directory();
    }

    private interface Read<T> {
        T get() throws SQLException;
    }

    private static <T> T read(Read<T> read) {
        try {
            return read.get();
        } catch (SQLException e) {
            throw new IllegalStateException("reading the organization database failed: " + e.getMessage(), e);
        }
    }

    private void staticFile(ApiExchange exchange, String name) {
        AdminApi.allow(exchange, "GET");
        byte[] bytes = staticFiles.get(name);
        if (bytes == null) {
            throw new ApiException(404, "There is no file " + name + ".");
        }
        exchange.header("Cache-Control", "no-cache");
        exchange.respond(200, new String(bytes, StandardCharsets.UTF_8), name.endsWith(".css")
                ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
    }

    private Optional<ConsoleSessions.Session> session(ApiExchange exchange) {
        return sessions.find(exchange.cookie(ConsoleSessions.COOKIE));
    }

    private String csrfOf(ApiExchange exchange) {
        return session(exchange).map(ConsoleSessions.Session::csrfToken).orElse(null);
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401, 403 -> "Refused";
            case 404 -> "Not found";
            case 405 -> "Not allowed";
            case 501 -> "Not available here";
            default -> "Something went wrong";
        };
    }
}
