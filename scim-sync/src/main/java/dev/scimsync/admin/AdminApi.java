package dev.scimsync.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.log.Redact;
import dev.scimsync.poller.resync.ResyncInProgressException;
import dev.scimsync.replay.ReplayProgress;
import dev.scimsync.replay.ReplayService;
import dev.scimsync.resync.ResyncService;
import dev.scimsync.verify.Verifier;
import dev.scimsync.verify.VerifyRun;
import dev.scimsync.workos.UnknownOrganizationException;
import dev.scimsync.workos.WorkosUnavailableException;

/**
 * {@code /api/…} behind the bearer token. Every route answers from memory or one short database read; what
 * takes longer (a drift check, a resync) is started here and runs elsewhere.
 */
final class AdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    private static final String ID = "([A-Za-z0-9_\\-]+)";
    private static final Pattern ORGANIZATION_ID = Pattern.compile("[A-Za-z0-9_\\-]{1,200}");
    private static final Pattern ORG_STATUS = Pattern.compile("^/api/organizations/" + ID + "(?:/status)?$");
    private static final Pattern ORG_VERIFY = Pattern.compile("^/api/organizations/" + ID + "/verify(?:/" + ID + ")?$");
    private static final Pattern ORG_RESYNC = Pattern.compile("^/api/organizations/" + ID + "/resync$");
    private static final Pattern REPLAY = Pattern.compile("^/api/replay(?:/" + ID + ")?$");
    private static final List<String> RESYNC_PARAMETERS = List.of("scope", "dry_run", "force");
    /** Seconds a client should wait before asking WorkOS-dependent things again. */
    private static final int WORKOS_RETRY_AFTER = 5;
    private static final int VERIFY_RETRY_AFTER = 60;

    private final AdminToken token;
    private final StatusSource status;
    private final Verifier verifier;
    private final ResyncService resyncs;
    private final ReplayService replays;
    private final DirectoryRoutes directory;
    private final AccessRoutes access;
    private final ProvisioningRoutes provisioning;

    AdminApi(AdminToken token, StatusSource status, AdminServices services) {
        this.token = token;
        this.status = status;
        this.verifier = services.verifier();
        this.resyncs = services.resyncs();
        this.replays = services.replays();
        this.directory = new DirectoryRoutes(status, services.directory(), services.previews(), services.deadLetters());
        this.access = new AccessRoutes(services.mappings(), services.access());
        this.provisioning = new ProvisioningRoutes(services.provisioning());
    }

    /** A request with the bearer token in its {@code Authorization} header. */
    void handle(ApiExchange exchange) {
        if (!token.accepts(exchange.header("Authorization"))) {
            exchange.header("WWW-Authenticate", "Bearer");
            new ApiException(401, "missing or wrong bearer token (SCIM_SYNC_ADMIN_TOKEN)").respond(exchange);
            return;
        }
        handleAuthenticated(exchange, exchange.path());
    }

    /**
     * A request whose sender was authenticated otherwise (the console's session, which also checked its CSRF
     * token), for the API path {@code path}: the console's actions go through the same routes as the API's.
     */
    void handleAuthenticated(ApiExchange exchange, String path) {
        try {
            route(exchange, path);
        } catch (ApiException e) {
            e.respond(exchange);
        } catch (UnsupportedOperationException e) {
            exchange.respond(501, new ApiResponses.Error(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("admin API {} failed: {}", path, Redact.emailsIn(e.toString()));
            exchange.respond(500, new ApiResponses.Error("internal error"));
        }
    }

    private void route(ApiExchange exchange, String path) {
        Matcher m;
        if (provisioning.route(exchange, path) || directory.route(exchange, path) || access.route(exchange, path)) {
            return;
        } else if (path.equals("/api/organizations")) {
            allow(exchange, "GET");
            exchange.respond(200, status.organizations());
        } else if ((m = ORG_STATUS.matcher(path)).matches()) {
            allow(exchange, "GET");
            organizationStatus(exchange, m.group(1));
        } else if ((m = ORG_RESYNC.matcher(path)).matches()) {
            resync(exchange, m.group(1));
        } else if ((m = ORG_VERIFY.matcher(path)).matches()) {
            verify(exchange, m.group(1), m.group(2));
        } else if ((m = REPLAY.matcher(path)).matches()) {
            replay(exchange, m.group(1));
        } else {
            throw new ApiException(404, "not found");
        }
    }

    private void organizationStatus(ApiExchange exchange, String organizationId) {
        Map<String, Object> body = new LinkedHashMap<>(status.status(organizationId)
                .orElseThrow(() -> new ApiException(404, "unknown organization " + organizationId)));
        Map<String, Object> mode = provisioning.status(organizationId);
        if (mode != null) {
            body.put("provisioning", mode);
        }
        // what this instance knows of a resync before its markers reach the database (scanning…)
        if (resyncs != null) {
            resyncs.progress(organizationId).ifPresent(p -> body.put("resync_request", p));
        }
        exchange.respond(200, body);
    }

    private void verify(ApiExchange exchange, String organizationId, String verifyId) {
        allow(exchange, verifyId == null ? List.of("GET", "POST") : List.of("GET"));
        if (verifier == null) {
            throw new ApiException(501, "the drift check needs WorkOS and the organization database in one "
                    + "process: ask the instance that runs `scim-sync run`");
        }
        if (verifyId != null) {
            exchange.respond(200, verifier.run(organizationId, verifyId).orElseThrow(() -> new ApiException(404,
                    "no drift check " + verifyId + " of " + organizationId + " on this instance")));
            return;
        }
        if (exchange.method().equals("GET")) {
            exchange.respond(200, verifier.latest(organizationId).orElseThrow(() -> new ApiException(404,
                    "no drift check of " + organizationId + " was started on this instance: POST to start one")));
            return;
        }
        exchange.query(List.of());
        try {
            VerifyRun run = verifier.start(organizationId);
            exchange.header("Location", "/api/organizations/" + organizationId + "/verify/" + run.verifyId());
            exchange.respond(202, run);
        } catch (UnknownOrganizationException e) {
            throw new ApiException(404, e.getMessage());
        } catch (Verifier.VerifyInProgressException e) {
            throw new ApiException(409, e.getMessage(), VERIFY_RETRY_AFTER,
                    new ApiResponses.VerifyConflict(e.getMessage(), e.verifyId()));
        } catch (Verifier.VerifyBusyException e) {
            throw new ApiException(503, e.getMessage(), VERIFY_RETRY_AFTER, null);
        } catch (WorkosUnavailableException e) {
            throw new ApiException(503, e.getMessage(), WORKOS_RETRY_AFTER, null);
        }
    }

    private void resync(ApiExchange exchange, String organizationId) {
        allow(exchange, List.of("GET", "POST"));
        if (resyncs == null) {
            throw new ApiException(501, "resyncs run where the poller runs: ask the instance that runs "
                    + "`scim-sync run` or `scim-sync poller`");
        }
        if (exchange.method().equals("GET")) {
            exchange.respond(200, resyncs.progress(organizationId).orElseThrow(() -> new ApiException(404,
                    "no resync of " + organizationId + " was asked of this instance")));
            return;
        }
        Map<String, String> query = exchange.query(RESYNC_PARAMETERS);
        try {
            exchange.respond(202, resyncs.start(organizationId, query.get("scope"), flag(query, "dry_run"),
                    flag(query, "force")));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        } catch (UnknownOrganizationException e) {
            throw new ApiException(404, e.getMessage());
        } catch (WorkosUnavailableException e) {
            throw new ApiException(503, e.getMessage(), WORKOS_RETRY_AFTER, null);
        } catch (ResyncInProgressException e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    private void replay(ApiExchange exchange, String replayId) {
        allow(exchange, replayId == null ? "POST" : "GET");
        if (replays == null) {
            throw new ApiException(501, "a replay needs the processor and the organization database in one process: "
                    + "ask the instance that runs `scim-sync run`");
        }
        if (replayId != null) {
            exchange.respond(200, replays.progress(replayId).orElseThrow(() -> new ApiException(404,
                    "no replay " + replayId + " on this instance")));
            return;
        }
        exchange.query(List.of());
        JsonNode body = exchange.jsonBody(List.of("organization_id", "force"));
        JsonNode organization = body.get("organization_id");
        if (organization != null && !(organization.isTextual() && ORGANIZATION_ID.matcher(organization.asText()).matches())) {
            throw new ApiException(400, "organization_id must be an organization id (letters, digits, _ and -)");
        }
        JsonNode force = body.get("force");
        if (force != null && !force.isBoolean()) {
            throw new ApiException(400, "force must be true or false");
        }
        try {
            ReplayProgress started = replays.start(organization == null ? null : organization.asText(),
                    force != null && force.asBoolean());
            exchange.header("Location", "/api/replay/" + started.replayId());
            exchange.respond(202, started);
        } catch (ReplayService.ReplayRefusedException e) {
            throw new ApiException(e.status(), e.getMessage());
        }
    }

    /**
     * A boolean parameter: absent is false, only {@code true} and {@code false} are accepted (a typo must not turn
     * a dry run into a sweep).
     */
    static boolean flag(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw new ApiException(400, name + " must be true or false, not '" + value + "'");
    }

    /** {@code service} when this instance has the organization database; a 501 naming where to ask otherwise. */
    static <T> T needsDatabase(T service) {
        if (service == null) {
            throw new ApiException(501, "this instance has no organization database: ask the instance that runs "
                    + "`scim-sync run` or `scim-sync writer`");
        }
        return service;
    }

    /** A read of the organization database for {@code path} that failed: a 500 (its message is logged, not sent). */
    static IllegalStateException readFailed(String path, java.sql.SQLException e) {
        return new IllegalStateException("reading the organization database for " + path + " failed: "
                + e.getMessage(), e);
    }

    static void allow(ApiExchange exchange, String method) {
        allow(exchange, List.of(method));
    }

    static void allow(ApiExchange exchange, List<String> methods) {
        if (!methods.contains(exchange.method())) {
            exchange.header("Allow", String.join(", ", methods));
            throw new ApiException(405, "method not allowed");
        }
    }
}
