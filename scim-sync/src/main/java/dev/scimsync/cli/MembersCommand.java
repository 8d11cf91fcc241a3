package dev.scimsync.cli;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.serde.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code scim-sync members}: an organization's members with their access, filtered. */
@Command(name = "members", mixinStandardHelpOptions = true,
        description = "Lists an organization's members with their role, seat tier and spend limit (a page at a time).")
final class MembersCommand implements Callable<Integer> {

    @Option(names = "--org", required = true, description = "organization id")
    String organizationId;

    @Option(names = "--role", description = "only members with this role")
    String role;

    @Option(names = "--tier", description = "only members with this seat tier")
    String tier;

    @Option(names = "--group", description = "only members of this directory group id")
    String group;

    @Option(names = "--source", description = "directory or manual")
    String source;

    @Option(names = "--removed", description = "include removed members")
    boolean removed;

    @Option(names = "--page", defaultValue = "0", description = "page, from 0 (default ${DEFAULT-VALUE})")
    int page;

    @Option(names = "--page-size", defaultValue = "50", description = "members per page, at most 200 (default ${DEFAULT-VALUE})")
    int pageSize;

    @Option(names = "--json", description = "print the API's JSON")
    boolean json;

    @Mixin
    AdminClientOptions client;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<String> query = new ArrayList<>(List.of("page=" + page, "page_size=" + pageSize, "removed=" + removed));
        add(query, "role", role);
        add(query, "seat_tier", tier);
        add(query, "group", group);
        add(query, "source", source);
        JsonNode answer = client.get("/api/organizations/" + organizationId + "/members?" + String.join("&", query));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
        } else {
            out.println(table(answer));
        }
        out.flush();
        return ExitCodes.OK;
    }

    static String table(JsonNode answer) {
        StringBuilder table = new StringBuilder(String.format("%-8s %-36s %-10s %-12s %-12s %-16s %s%n", "ID",
                "DIRECTORY USER", "SOURCE", "ROLE", "SEAT TIER", "SPEND LIMIT", "DECIDED BY (ROLE)"));
        for (JsonNode member : answer.path("members")) {
            JsonNode access = member.path("access");
            JsonNode limit = access.path("spend_limit");
            table.append(String.format("%-8s %-36s %-10s %-12s %-12s %-16s %s%n", member.path("id").asText(),
                    member.path("directory_user_id").asText("-"), member.path("source").asText(),
                    access.path("role").asText("-"), access.path("seat_tier").asText("-"),
                    limit.isObject() ? limit.path("amount").asLong() + " " + limit.path("currency").asText() : "-",
                    access.path("decided_by").path("role").asText("-")));
        }
        long total = answer.path("total").asLong();
        long size = Math.max(1, answer.path("page_size").asLong(1));
        table.append(String.format("%d member(s), page %d of %d", total, answer.path("page").asLong() + 1,
                Math.max(1, (total + size - 1) / size)));
        return table.toString();
    }

    private static void add(List<String> query, String name, String value) {
        if (value != null) {
            query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
