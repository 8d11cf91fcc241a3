package dev.scimsync.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.serde.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code scim-sync mappings get|set}: an organization's group mappings, roles and access settings. */
@Command(name = "mappings", mixinStandardHelpOptions = true,
        description = "Reads or replaces an organization's group mappings (which SCIM group gives which role, "
                + "seat tier and spend limit), custom roles and access settings.",
        subcommands = {MappingsCommand.Get.class, MappingsCommand.Set.class})
final class MappingsCommand {

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Prints the organization's group mappings as JSON (the shape `set` takes).")
    static final class Get implements Callable<Integer> {

        @Option(names = "--org", required = true, description = "organization id")
        String organizationId;

        @Mixin
        AdminClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(
                    client.get("/api/organizations/" + organizationId + "/group-mappings")));
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Replaces the organization's group mappings with those in FILE (a group sync): every "
                    + "member's access is recomputed at once. Exit 0 when applied or previewed, 6 when held.")
    static final class Set implements Callable<Integer> {

        @Option(names = "--org", required = true, description = "organization id")
        String organizationId;

        @Option(names = "--file", required = true, paramLabel = "FILE", description = "the mappings as JSON")
        Path file;

        @Option(names = "--dry-run", description = "only show which members would change")
        boolean dryRun;

        @Option(names = "--force", description = "apply even when it downgrades more members than the organization's "
                + "removal limits allow")
        boolean force;

        @Mixin
        AdminClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            JsonNode body;
            try {
                body = Json.MAPPER.readTree(Files.readString(file));
            } catch (java.io.IOException e) {
                spec.commandLine().getErr().println("cannot read " + file + ": " + e.getMessage());
                return ExitCodes.BAD_CONFIGURATION;
            }
            JsonNode answer = client.put("/api/organizations/" + organizationId + "/group-mappings?dry_run=" + dryRun
                    + "&force=" + force, body);
            PrintWriter out = spec.commandLine().getOut();
            out.println(answer.path("state").asText() + " (" + answer.path("sync_run_id").asText() + "): "
                    + answer.path("note").asText());
            answer.path("changes").path("by_tier").fields().forEachRemaining(tier -> out.printf("  %-16s %6d -> %6d%n",
                    tier.getKey(), tier.getValue().path("before").asLong(), tier.getValue().path("after").asLong()));
            for (JsonNode member : answer.path("members")) {
                out.printf("  member %-8s %-36s %s -> %s, %s -> %s%s%n", member.path("member_id").asText(),
                        member.path("directory_user_id").asText("-"), member.path("role_before").asText("-"),
                        member.path("role_after").asText("-"), member.path("seat_tier_before").asText("-"),
                        member.path("seat_tier_after").asText("-"), member.path("downgrade").asBoolean() ? " (downgrade)" : "");
            }
            out.flush();
            return "held".equals(answer.path("state").asText()) ? ExitCodes.HELD : ExitCodes.OK;
        }
    }
}
