package dev.scimsync.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.serde.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code scim-sync verify}: the drift check of one organization, run by a running instance. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compares one organization's members, groups and memberships in the database with its directory "
                + "in WorkOS (a full, rate-limit-paced scan; read-only).",
            "Exit code 0: in sync; 5: drift found."})
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--org", required = true, description = "the organization id")
    String organizationId;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Option(names = "--timeout", defaultValue = "PT20M",
            description = "how long to wait for the report (ISO-8601, default ${DEFAULT-VALUE})")
    Duration timeout;

    @Mixin
    AdminClientOptions client;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode report = client.get("/api/organizations/" + organizationId + "/verify", timeout);
        out.println(json ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report) : describe(report));
        out.flush();
        return report.path("in_sync").asBoolean(false) ? ExitCodes.OK : ExitCodes.DRIFT;
    }

    static String describe(JsonNode report) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "organization %s: %s%n", report.path("organization_id").asText(),
                report.path("in_sync").asBoolean() ? "in sync" : "DRIFT"));
        text.append(String.format(Locale.ROOT, "scanned %d directories in %d WorkOS requests, %.1f s; checked at %s%n%n",
                report.path("directories").size(), report.path("workos_requests").asInt(),
                report.path("scan_seconds").asDouble(), report.path("checked_at").asText()));
        text.append(String.format(Locale.ROOT, "%-12s %8s %9s %8s %6s %8s%n", "", "WORKOS", "DATABASE", "MISSING",
                "EXTRA", "CHANGED"));
        for (String kind : List.of("members", "groups", "memberships")) {
            JsonNode drift = report.path(kind);
            text.append(String.format(Locale.ROOT, "%-12s %8d %9d %8d %6d %8s%n", kind, drift.path("workos").asLong(),
                    drift.path("database").asLong(), drift.path("missing").asLong(), drift.path("extra").asLong(),
                    kind.equals("memberships") ? "-" : Long.toString(drift.path("changed").asLong())));
        }
        for (String kind : List.of("members", "groups", "memberships")) {
            JsonNode examples = report.path(kind).path("examples");
            examples(text, "missing " + kind + " (in WorkOS, not in the database)", examples.path("missing"));
            examples(text, "extra " + kind + " (in the database, not in WorkOS)", examples.path("extra"));
            List<String> changed = new ArrayList<>();
            examples.path("changed").forEach(c -> changed.add(c.path("id").asText() + " " + c.path("fields")));
            if (!changed.isEmpty()) {
                text.append(String.format(Locale.ROOT, "%nchanged %s:%n", kind));
                changed.forEach(c -> text.append("  ").append(c).append('\n'));
            }
        }
        return text.toString().stripTrailing();
    }

    private static void examples(StringBuilder text, String title, JsonNode ids) {
        if (ids.isEmpty()) {
            return;
        }
        text.append(String.format(Locale.ROOT, "%n%s:%n", title));
        ids.forEach(id -> text.append("  ").append(id.asText()).append('\n'));
    }
}
