package dev.scimsync.cli;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.serde.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code scim-sync resync}: rescans one organization in WorkOS and makes the database equal to it. */
@Command(name = "resync", mixinStandardHelpOptions = true,
        description = {"Rescans one organization's directory in WorkOS (paced to its rate limits) and makes the "
                + "database equal to it: missing and changed members, groups and memberships are written, those "
                + "WorkOS no longer lists are removed (soft delete) — unless that would remove more members than "
                + "the safeguard allows, then the removal is held until you re-run with --force.",
            "Exit code 0: done (or previewed); 6: held by the safeguard; 1: the resync failed (its scan, or an "
                + "incomplete snapshot: nothing was removed)."})
final class ResyncCommand implements Callable<Integer> {

    private static final Set<String> FINAL_STATES = Set.of("completed", "held", "previewed", "failed");

    @Option(names = "--org", required = true, description = "the organization id")
    String organizationId;

    @Option(names = "--scope", defaultValue = "both", description = "members, groups or both (default ${DEFAULT-VALUE})")
    String scope;

    @Option(names = "--dry-run", description = "report what the resync would remove; change nothing")
    boolean dryRun;

    @Option(names = "--force", description = "remove even beyond the safeguard (max removal percent / count)")
    boolean force;

    @Option(names = "--no-wait", description = "return once the resync is queued")
    boolean noWait;

    @Option(names = "--timeout", defaultValue = "PT30M",
            description = "how long to wait for the outcome (ISO-8601, default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--json", description = "print the final status as JSON")
    boolean json;

    @Mixin
    AdminClientOptions client;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String org = URLEncoder.encode(organizationId, StandardCharsets.UTF_8);
        JsonNode queued = client.post("/api/organizations/" + org + "/resync?scope="
                + URLEncoder.encode(scope, StandardCharsets.UTF_8) + "&dry_run=" + dryRun + "&force=" + force);
        String id = queued.path("resync_id").asText();
        out.printf(Locale.ROOT, "resync %s of %s queued (scope %s%s%s; safeguard: %s%% / %s members)%n", id,
                organizationId, queued.path("scope").asText(), dryRun ? ", dry run" : "", force ? ", forced" : "",
                queued.path("max_removal_percent").asText(), queued.path("max_removal_count").asText());
        out.flush();
        if (noWait) {
            return ExitCodes.OK;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String phase = "";
        while (true) {
            JsonNode progress = client.get("/api/organizations/" + org + "/resync");
            if (!progress.path("resync_id").asText().equals(id)) {
                throw new AdminApiException("another resync of " + organizationId + " replaced " + id);
            }
            if (!progress.path("phase").asText().equals(phase)) {
                phase = progress.path("phase").asText();
                out.printf(Locale.ROOT, "  %s%s%n", phase, progress.path("records").isNumber()
                        ? " (" + progress.path("records").asLong() + " records)" : "");
                out.flush();
            }
            if (phase.equals("failed")) {
                out.printf(Locale.ROOT, "resync %s failed: %s%n", id, progress.path("error").asText());
                out.flush();
                return ExitCodes.FAILED;
            }
            if (phase.equals("published")) {
                break;
            }
            waitOrGiveUp(deadline);
        }
        while (true) {
            JsonNode status;
            try {
                status = client.get("/api/organizations/" + org + "/status");
            } catch (AdminApiException e) {
                if (e.status() == 404) {
                    // an organization new to the database: its first status is on its way
                    waitOrGiveUp(deadline);
                    continue;
                }
                if (e.status() != 501) {
                    throw e;
                }
                // a poller alone has no organization database: the outcome is on the instance that runs the writer
                out.printf(Locale.ROOT, "resync %s published; this instance has no organization database: see "
                        + "`scim-sync status --org %s --url <the writer's admin API>` for its outcome%n", id,
                        organizationId);
                out.flush();
                return ExitCodes.OK;
            }
            String state = status.path("last_resync_state").asText("");
            if (status.path("last_resync_id").asText().equals(id) && FINAL_STATES.contains(state)) {
                out.println(json ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(status)
                        : summary(id, status));
                out.flush();
                return switch (state) {
                    case "held" -> ExitCodes.HELD;
                    case "failed" -> ExitCodes.FAILED;
                    default -> ExitCodes.OK;
                };
            }
            waitOrGiveUp(deadline);
        }
    }

    private void waitOrGiveUp(long deadline) throws InterruptedException {
        if (System.nanoTime() > deadline) {
            throw new AdminApiException("no outcome within " + timeout + "; see `scim-sync status --org "
                    + organizationId + "`");
        }
        Thread.sleep(500);
    }

    static String summary(String id, JsonNode status) {
        String state = status.path("last_resync_state").asText();
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "resync %s: %s%n", id, state));
        JsonNode sweep = status.path("last_resync_sweep");
        if (sweep.hasNonNull("note")) {
            text.append("  ").append(sweep.path("note").asText()).append('\n');
        }
        text.append(String.format(Locale.ROOT, "  now in the database: %d members, %d groups, %d memberships",
                status.path("members").asLong(), status.path("groups").asLong(), status.path("memberships").asLong()));
        if (state.equals("held")) {
            text.append("\n  nothing was removed; re-run with --force to remove them, or raise the organization's limits");
        }
        return text.toString();
    }
}
