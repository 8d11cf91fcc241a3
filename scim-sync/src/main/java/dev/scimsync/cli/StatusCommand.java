package dev.scimsync.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.serde.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code scim-sync status}: sync status per organization, from a running instance's admin API. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows the sync status of every organization, or of one with --org.")
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--org", description = "one organization id")
    String organizationId;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Mixin
    AdminClientOptions client;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (organizationId != null) {
            JsonNode status = client.get("/api/organizations/" + organizationId + "/status");
            out.println(json ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(status) : describe(status));
        } else {
            JsonNode organizations = client.get("/api/organizations");
            if (json) {
                out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(organizations));
            } else {
                out.println(table(organizations));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    static String table(JsonNode organizations) {
        StringBuilder table = new StringBuilder(String.format("%-32s %-20s %8s %7s %11s  %-24s %9s%n",
                "ORGANIZATION", "NAME", "MEMBERS", "GROUPS", "MEMBERSHIPS", "LAST EVENT (WORKOS TIME)", "AGE"));
        for (JsonNode org : organizations) {
            table.append(String.format("%-32s %-20s %8s %7s %11s  %-24s %9s%n", org.path("id").asText(),
                    cut(org.path("name").asText("")), org.path("members").asText("-"), org.path("groups").asText("-"),
                    org.path("memberships").asText("-"), org.path("last_event_created_at").asText("-"),
                    age(org)));
        }
        if (organizations.isEmpty()) {
            table.append("(no organizations yet)\n");
        }
        return table.toString().stripTrailing();
    }

    static String describe(JsonNode status) {
        StringBuilder out = new StringBuilder();
        status.fields().forEachRemaining(field -> out.append(String.format("%-24s %s%n", field.getKey() + ":",
                field.getValue().isValueNode() ? field.getValue().asText() : field.getValue().toString())));
        return out.toString().stripTrailing();
    }

    private static String age(JsonNode org) {
        JsonNode lag = org.get("seconds_since_last_event");
        return lag == null || lag.isNull() ? "-" : String.format("%.1fs", lag.asDouble());
    }

    private static String cut(String name) {
        return name.length() > 20 ? name.substring(0, 19) + "…" : name;
    }
}
