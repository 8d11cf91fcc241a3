package dev.scimsync.admin;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.provisioning.NewMember;
import dev.scimsync.provisioning.ProvisioningService;
import dev.scimsync.provisioning.ProvisioningSwitch;
import dev.scimsync.writer.provisioning.ProvisioningRefusedException;
import dev.scimsync.writer.provisioning.ProvisioningStore;

/**
 * The admin API's provisioning routes: an organization created or renamed by the app ({@code PUT
 * /api/organizations/{id}}), members added and removed by hand ({@code POST …/members}, {@code DELETE
 * …/members/{member_id}}) and the switch of its provisioning mode ({@code PUT}/{@code GET …/provisioning}). Thin over
 * {@link ProvisioningService}, which the CLI reaches through these same routes.
 */
final class ProvisioningRoutes {

    private static final String ID = "([A-Za-z0-9_\\-]+)";
    private static final Pattern ORGANIZATION = Pattern.compile("^/api/organizations/" + ID + "$");
    private static final Pattern MEMBERS = Pattern.compile("^/api/organizations/" + ID + "/members$");
    private static final Pattern MEMBER = Pattern.compile("^/api/organizations/" + ID + "/members/([0-9]{1,18})$");
    private static final Pattern PROVISIONING = Pattern.compile("^/api/organizations/" + ID + "/provisioning$");
    private static final int MAX_ORGANIZATION_ID = 200;
    private static final int MAX_NAME = 200;

    /** {@code PUT /api/organizations/{id}}: the organization after the request. */
    record OrganizationAnswer(String id, String name, String provisioningMode, java.time.Instant provisioningModeSince,
                              boolean created) {
    }

    /** {@code POST …/members}: the new member. */
    record MemberAdded(long id, String organizationId, String email, String firstName, String lastName, String role,
                       String source) {
    }

    /** {@code DELETE …/members/{id}}. */
    record MemberRemoved(long id, String organizationId, boolean removed) {
    }

    private final ProvisioningService provisioning;

    ProvisioningRoutes(ProvisioningService provisioning) {
        this.provisioning = provisioning;
    }

    /** Answers {@code path} when it is one of these routes (for its method); false otherwise. */
    boolean route(ApiExchange exchange, String path) {
        Matcher m;
        try {
            if ((m = ORGANIZATION.matcher(path)).matches() && exchange.method().equals("PUT")) {
                putOrganization(exchange, m.group(1));
            } else if ((m = MEMBERS.matcher(path)).matches() && exchange.method().equals("POST")) {
                exchange.query(List.of());
                NewMember member = NewMember.from(exchange.jsonBody(NewMember.FIELDS));
                long id = service().addMember(m.group(1), member);
                exchange.header("Location", path + "/" + id);
                exchange.respond(201, new MemberAdded(id, m.group(1), member.email(), member.firstName(),
                        member.lastName(), member.role(), "manual"));
            } else if ((m = MEMBER.matcher(path)).matches()) {
                AdminApi.allow(exchange, "DELETE");
                exchange.query(List.of());
                long memberId = Long.parseLong(m.group(2));
                service().removeMember(m.group(1), memberId);
                exchange.respond(200, new MemberRemoved(memberId, m.group(1), true));
            } else if ((m = PROVISIONING.matcher(path)).matches()) {
                AdminApi.allow(exchange, List.of("GET", "PUT"));
                exchange.query(List.of());
                String organizationId = m.group(1);
                if (exchange.method().equals("GET")) {
                    exchange.respond(200, service().latest(organizationId).orElseThrow(() -> new ApiException(404,
                            "no provisioning switch of " + organizationId + " was started on this instance")));
                } else {
                    switchMode(exchange, organizationId);
                }
            } else {
                return false;
            }
            return true;
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        } catch (ProvisioningRefusedException e) {
            throw new ApiException(e.reason() == ProvisioningRefusedException.Reason.NOT_FOUND ? 404 : 409,
                    e.getMessage());
        } catch (SQLException e) {
            throw new IllegalStateException("the provisioning request " + path + " failed: " + e.getMessage(), e);
        }
    }

    /** The provisioning part of an organization's status: mode, since when, the last switch's outcome. */
    Map<String, Object> status(String organizationId) {
        if (provisioning == null) {
            return null;
        }
        try {
            Map<String, Object> out = new LinkedHashMap<>();
            ProvisioningStore.Organization org = provisioning.organization(organizationId).orElse(null);
            if (org == null) {
                return null;
            }
            out.put("mode", org.provisioningMode());
            out.put("since", org.provisioningModeSince());
            out.put("last_switch", provisioning.lastSwitch(organizationId).orElse(null));
            provisioning.latest(organizationId).filter(s -> !s.finished()).ifPresent(s -> out.put("switch_running",
                    s.switchId()));
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the provisioning mode of " + organizationId + " failed: "
                    + e.getMessage(), e);
        }
    }

    private void putOrganization(ApiExchange exchange, String organizationId) throws SQLException {
        exchange.query(List.of());
        if (organizationId.length() > MAX_ORGANIZATION_ID) {
            throw new ApiException(400, "the organization id is longer than " + MAX_ORGANIZATION_ID + " characters");
        }
        JsonNode body = exchange.jsonBody(List.of("name", "provisioning_mode"));
        StringBuilder problems = new StringBuilder();
        String name = text(body, "name", problems);
        if (name != null && name.length() > MAX_NAME) {
            problems.append("name is longer than ").append(MAX_NAME).append(" characters; ");
        }
        String mode = text(body, "provisioning_mode", problems);
        if (mode != null && !mode.equals("manual") && !mode.equals("scim")) {
            problems.append("provisioning_mode must be manual or scim; ");
        }
        if (problems.length() > 0) {
            throw new ApiException(400, "invalid organization: " + problems.substring(0, problems.length() - 2));
        }
        ProvisioningStore.PutOrganization put = service().putOrganization(organizationId, name, mode);
        ProvisioningStore.Organization org = put.organization();
        exchange.respond(put.created() ? 201 : 200, new OrganizationAnswer(org.id(), org.name(),
                org.provisioningMode(), org.provisioningModeSince(), put.created()));
    }

    private void switchMode(ApiExchange exchange, String organizationId) throws SQLException {
        JsonNode body = exchange.jsonBody(List.of("mode", "dry_run", "force"));
        StringBuilder problems = new StringBuilder();
        String mode = text(body, "mode", problems);
        if (mode == null && problems.length() == 0) {
            problems.append("mode is required (manual or scim); ");
        }
        boolean dryRun = flag(body, "dry_run", problems);
        boolean force = flag(body, "force", problems);
        if (problems.length() > 0) {
            throw new ApiException(400, "invalid switch: " + problems.substring(0, problems.length() - 2));
        }
        ProvisioningSwitch started = service().start(organizationId, mode, dryRun, force);
        exchange.header("Location", "/api/organizations/" + organizationId + "/provisioning");
        exchange.respond(started.finished() ? 200 : 202, started);
    }

    private static String text(JsonNode body, String field, StringBuilder problems) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            problems.append(field).append(" must be text; ");
            return null;
        }
        return node.asText().strip();
    }

    /** Absent is false; only true and false are accepted (a typo must not turn a dry run into a switch). */
    private static boolean flag(JsonNode body, String field, StringBuilder problems) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            problems.append(field).append(" must be true or false; ");
            return false;
        }
        return node.asBoolean();
    }

    private ProvisioningService service() {
        if (provisioning == null) {
            throw new ApiException(501, "provisioning needs the organization database: ask the instance that runs "
                    + "`scim-sync run` or `scim-sync writer`");
        }
        return provisioning;
    }
}
