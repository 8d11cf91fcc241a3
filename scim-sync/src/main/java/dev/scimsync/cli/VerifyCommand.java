package dev.scimsync.cli;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

/**
 * {@code scim-sync verify}: starts the drift check of one organization on a running instance and waits for its
 * report (the check runs there, in the background; this polls it).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compares one organization's members, groups and memberships in the database with its directory "
                + "in WorkOS (a full, rate-limit-paced scan; read-only). What differs right after the scan is "
                + "fetched again from WorkOS and compared once the pipeline has caught up, so changes made during "
                + "the scan are not reported as drift.",
            "Exit code 0: in sync; 5: drift found; 3: the admin API refused or the check failed."})
final class VerifyCommand implements Callable<Integer> {

    private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

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
        String org = URLEncoder.encode(organizationId, StandardCharsets.UTF_8);
        JsonNode run = client.post("/api/organizations/" + org + "/verify");
        String id = run.path("verify_id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (run.path("state").asText().equals("running")) {
            if (System.nanoTime() > deadline) {
                throw new AdminApiException("drift check " + id + " of " + organizationId + " gave no report within "
                        + timeout + "; it goes on: GET /api/organizations/" + organizationId + "/verify/" + id);
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
            run = client.get("/api/organizations/" + org + "/verify/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
        }
        if (!run.path("state").asText().equals("completed")) {
            throw new AdminApiException("drift check " + id + " of " + organizationId + " failed: "
                    + run.path("error").asText());
        }
        JsonNode report = run.path("report");
        out.println(json ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report) : describe(report));
        out.flush();
        return report.path("in_sync").asBoolean(false) ? ExitCodes.OK : ExitCodes.DRIFT;
    }

    static String describe(JsonNode report) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "organization %s: %s%n", report.path("organization_id").asText(),
                report.path("in_sync").asBoolean() ? "in sync" : "DRIFT"));
        text.append(String.format(Locale.ROOT, "scanned %d directories in %d WorkOS requests, %.1f s; checked at %s%n",
                report.path("directories").size(), report.path("workos_requests").asInt(),
                report.path("scan_seconds").asDouble(), report.path("checked_at").asText()));
        text.append(String.format(Locale.ROOT, "%d users and groups fetched again to confirm differences%s%n%n",
                report.path("rechecked").asInt(), report.path("unconfirmed").asInt() > 0 ? "; "
                        + report.path("unconfirmed").asInt() + " differences beyond the recheck limit are as the scan "
                        + "found them" : ""));
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
