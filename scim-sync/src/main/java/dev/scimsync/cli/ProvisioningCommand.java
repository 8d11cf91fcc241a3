package dev.scimsync.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.serde.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code scim-sync provisioning}: switches an organization between manual and SCIM provisioning. */
@Command(name = "provisioning", mixinStandardHelpOptions = true,
        description = {"Switches an organization's provisioning mode. To scim: scans its directory users in WorkOS "
                + "(paced to its rate limits), links each manual member to the directory user with the same email "
                + "(trimmed, any case; the member keeps its id, role and creation time), lets the other directory "
                + "users in and removes (soft delete) manual members no directory user matches — never the Primary "
                + "Owner, never a member whose email is ambiguous. Held by the removal safeguard unless --force. "
                + "To manual: directory members become manual members; no one is removed.",
            "Exit code 0: applied (or previewed); 6: held by the safeguard; 1: the switch failed (nothing changed); "
                + "3: refused (unknown organization, already in that mode) or the API unreachable."})
final class ProvisioningCommand implements Callable<Integer> {

    @Option(names = "--org", required = true, description = "the organization id")
    String organizationId;

    @Option(names = "--mode", required = true, description = "scim or manual")
    String mode;

    @Option(names = "--dry-run", description = "list what the switch would link, create, remove; change nothing")
    boolean dryRun;

    @Option(names = "--force", description = "remove even beyond the safeguard (max removal percent / count)")
    boolean force;

    @Option(names = "--timeout", defaultValue = "PT30M",
            description = "how long to wait for the outcome (ISO-8601, default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--json", description = "print the outcome as JSON (with every list)")
    boolean json;

    @Mixin
    AdminClientOptions client;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String path = "/api/organizations/" + MemberCommand.encode(organizationId) + "/provisioning";
        ObjectNode body = Json.MAPPER.createObjectNode().put("mode", mode).put("dry_run", dryRun).put("force", force);
        JsonNode result = client.put(path, body);
        String id = result.path("switch_id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (result.path("state").asText().equals("running")) {
            if (System.nanoTime() > deadline) {
                throw new AdminApiException("no outcome within " + timeout + "; see `scim-sync status --org "
                        + organizationId + "`");
            }
            Thread.sleep(500);
            result = client.get(path);
            if (!result.path("switch_id").asText().equals(id)) {
                throw new AdminApiException("another switch of " + organizationId + " replaced " + id);
            }
        }
        out.println(json ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result) : summary(result));
        out.flush();
        return switch (result.path("state").asText()) {
            case "held" -> ExitCodes.HELD;
            case "failed" -> ExitCodes.FAILED;
            default -> ExitCodes.OK;
        };
    }

    /** Counts and ids only: the lists (with emails) are in --json. */
    static String summary(JsonNode s) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "switch %s of %s to %s%s: %s%n",
                s.path("switch_id").asText(), s.path("organization_id").asText(), s.path("mode").asText(),
                s.path("dry_run").asBoolean() ? " (dry run)" : "", s.path("state").asText()));
        if (s.hasNonNull("note")) {
            text.append("  ").append(s.path("note").asText()).append('\n');
        }
        if (s.hasNonNull("error")) {
            text.append("  error: ").append(s.path("error").asText()).append('\n');
        }
        return text.toString().stripTrailing();
    }
}
