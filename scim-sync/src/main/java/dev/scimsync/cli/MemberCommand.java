package dev.scimsync.cli;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

/** {@code scim-sync member add|remove}: one member added or removed by hand (organizations in manual mode). */
@Command(name = "member", mixinStandardHelpOptions = true,
        description = "Adds or removes one member by hand. Members are added only while the organization is in "
                + "manual mode; a manual member can be removed in either mode, never the Primary Owner.",
        subcommands = {MemberCommand.Add.class, MemberCommand.Remove.class})
final class MemberCommand {

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Adds a member by hand to an organization in manual mode; prints its id.",
                "Exit code 0: added; 3: refused (scim mode, duplicate email, invalid values) or the API unreachable."})
    static final class Add implements Callable<Integer> {

        @Option(names = "--org", required = true, description = "the organization id")
        String organizationId;

        @Option(names = "--email", required = true, description = "the member's email")
        String email;

        @Option(names = "--first-name", description = "first name")
        String firstName;

        @Option(names = "--last-name", description = "last name")
        String lastName;

        @Option(names = "--role", description = "the member's role in the application (kept when SCIM links it)")
        String role;

        @Mixin
        AdminClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ObjectNode body = Json.MAPPER.createObjectNode().put("email", email);
            if (firstName != null) {
                body.put("first_name", firstName);
            }
            if (lastName != null) {
                body.put("last_name", lastName);
            }
            if (role != null) {
                body.put("role", role);
            }
            JsonNode added = client.post("/api/organizations/" + encode(organizationId) + "/members", body);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "member %d added to %s%n", added.path("id").asLong(), organizationId);
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Removes (soft delete) a member added by hand. Directory members are removed in the "
                + "identity provider; the Primary Owner is never removed.",
                "Exit code 0: removed; 3: refused or the API unreachable."})
    static final class Remove implements Callable<Integer> {

        @Option(names = "--org", required = true, description = "the organization id")
        String organizationId;

        @Option(names = "--id", required = true, description = "the member's id")
        long memberId;

        @Mixin
        AdminClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            client.delete("/api/organizations/" + encode(organizationId) + "/members/" + memberId);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "member %d of %s removed%n", memberId, organizationId);
            out.flush();
            return ExitCodes.OK;
        }
    }

    static String encode(String organizationId) {
        return URLEncoder.encode(organizationId, StandardCharsets.UTF_8);
    }
}
