package dev.scimsync.admin;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.serde.Json;
import dev.scimsync.writer.access.AccessQueries;
import dev.scimsync.writer.access.GroupMappingService;
import dev.scimsync.writer.access.GroupMappingSet;

/**
 * The admin API's access routes: an organization's group mappings, roles and settings (read, and replaced as a
 * whole by a group sync: dry run, safeguard, force), and one member's access with its history.
 */
final class AccessRoutes {

    private static final String ID = "([A-Za-z0-9_\\-]+)";
    private static final Pattern MAPPINGS = Pattern.compile("^/api/organizations/" + ID + "/group-mappings$");
    private static final Pattern MEMBER_ACCESS = Pattern.compile("^/api/organizations/" + ID + "/members/([0-9]{1,18})/access$");
    private static final List<String> FIELDS = List.of("advanced_group_mappings", "default", "seat_tiers", "roles",
            "mappings");

    /** A misspelt key (spend_limits) or a priority of 10.7 must be refused, not dropped or truncated. */
    private static final com.fasterxml.jackson.databind.ObjectMapper STRICT = Json.MAPPER.copy()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private final GroupMappingService mappings;
    private final AccessQueries access;

    AccessRoutes(GroupMappingService mappings, AccessQueries access) {
        this.mappings = mappings;
        this.access = access;
    }

    /** Answers {@code path} when it is one of these routes; false otherwise. */
    boolean route(ApiExchange exchange, String path) {
        Matcher m;
        try {
            if ((m = MAPPINGS.matcher(path)).matches()) {
                AdminApi.allow(exchange, List.of("GET", "PUT"));
                String organizationId = m.group(1);
                if (exchange.method().equals("GET")) {
                    exchange.query(List.of());
                    exchange.respond(200, service().get(organizationId).orElseThrow(() -> unknown(organizationId)));
                } else {
                    replace(exchange, organizationId);
                }
            } else if ((m = MEMBER_ACCESS.matcher(path)).matches()) {
                AdminApi.allow(exchange, "GET");
                exchange.query(List.of());
                long memberId = Long.parseLong(m.group(2));
                String organizationId = m.group(1);
                exchange.respond(200, queries().member(organizationId, memberId, AccessQueries.MAX_HISTORY)
                        .orElseThrow(() -> new ApiException(404, "no member " + memberId + " in " + organizationId)));
            } else {
                return false;
            }
            return true;
        } catch (SQLException e) {
            throw AdminApi.readFailed(path, e);
        }
    }

    private void replace(ApiExchange exchange, String organizationId) throws SQLException {
        Map<String, String> query = exchange.query(List.of("dry_run", "force"));
        boolean dryRun = AdminApi.flag(query, "dry_run");
        boolean force = AdminApi.flag(query, "force");
        JsonNode body = exchange.jsonBody(FIELDS);
        GroupMappingSet set;
        try {
            set = STRICT.treeToValue(body, GroupMappingSet.class);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "the group mappings do not have the expected shape: "
                    + e.getOriginalMessage());
        }
        try {
            exchange.respond(200, service().replace(organizationId, set, dryRun, force));
        } catch (GroupMappingService.UnknownOrganizationException e) {
            throw unknown(organizationId);
        } catch (GroupMappingService.InvalidMappingsException e) {
            throw new ApiException(400, e.getMessage(), null,
                    new ApiResponses.Invalid("the group mappings are invalid", e.problems()));
        }
    }

    private static ApiException unknown(String organizationId) {
        return new ApiException(404, "unknown organization " + organizationId);
    }

    private GroupMappingService service() {
        return AdminApi.needsDatabase(mappings);
    }

    private AccessQueries queries() {
        return AdminApi.needsDatabase(access);
    }
}
