package dev.scimsync.cli;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.serde.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scim-sync replay}: asks a running instance to rebuild the organization database from the retained events
 * topic (no WorkOS call) and follows it with a progress bar.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Rebuilds the members, groups and memberships of one organization (--org) or of all from the "
                + "events topic, without WorkOS: the rows are rewritten to exactly what the events imply (also rows "
                + "edited by hand); rows no event derives are kept. Readers see the old rows until one switch "
                + "transaction, the new ones after; the automatic sync goes on meanwhile.",
            "Exit code 0: completed; 1: the replay failed (nothing was switched); 3: refused or the admin API "
                + "could not be reached."})
final class ReplayCommand implements Callable<Integer> {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final int BAR = 30;

    @Option(names = "--org", description = "the organization to replay (default: every organization)")
    String organizationId;

    @Option(names = "--yes", description = "replay every organization without asking (with no --org)")
    boolean yes;

    @Option(names = "--no-wait", description = "return once the replay has started")
    boolean noWait;

    @Option(names = "--force", description = "switch even when the replay would remove more members or groups than "
            + "the organization's removal limits allow (a replay held by them changes nothing)")
    boolean force;

    @Mixin
    AdminClientOptions client;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (organizationId == null && !yes) {
            spec.commandLine().getErr().println("scim-sync replay: without --org every organization is rebuilt; "
                    + "add --yes to confirm");
            return ExitCodes.BAD_CONFIGURATION;
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (organizationId != null) {
            body.put("organization_id", organizationId);
        }
        if (force) {
            body.put("force", true);
        }
        JsonNode replay = client.post("/api/replay", body);
        String id = replay.path("replay_id").asText();
        out.println("replay " + id + " of " + (organizationId == null ? "every organization" : organizationId)
                + " started");
        out.flush();
        if (noWait) {
            return ExitCodes.OK;
        }
        String path = "/api/replay/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
        while (!isFinal(replay.path("state").asText())) {
            Thread.sleep(POLL_INTERVAL.toMillis());
            replay = client.get(path);
            out.print("\r" + line(replay));
            out.flush();
        }
        out.println();
        if (replay.path("state").asText().equals("completed")) {
            out.println("completed: " + replay.path("events_replayed").asLong() + " events; changed: "
                    + replay.path("changes").asText());
            out.flush();
            return ExitCodes.OK;
        }
        out.println("failed: " + replay.path("error").asText() + " (nothing was switched)");
        out.flush();
        return ExitCodes.FAILED;
    }

    private static boolean isFinal(String state) {
        return state.equals("completed") || state.equals("failed");
    }

    /** {@code rebuilding [#########.....]  61 % 12,034/19,700 events  4,210/s  ETA 2 s}. */
    static String line(JsonNode replay) {
        long done = replay.path("events_replayed").asLong();
        long total = replay.path("events_total").asLong();
        double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * BAR);
        JsonNode eta = replay.get("eta_seconds");
        return String.format(Locale.ROOT, "%-11s [%s%s] %3d %% %,d/%,d events  %,.0f/s%s", replay.path("state").asText(),
                "#".repeat(filled), ".".repeat(BAR - filled), Math.round(fraction * 100), done, total,
                replay.path("events_per_second").asDouble(), eta == null ? "" : "  ETA " + eta.asLong() + " s");
    }
}
