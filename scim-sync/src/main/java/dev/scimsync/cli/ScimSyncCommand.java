package dev.scimsync.cli;

import java.io.PrintWriter;

import dev.scimsync.core.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code scim-sync}: the all-in-one runtime, each stage alone, and the operator commands. */
@Command(name = "scim-sync", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Keeps organizations' members and groups in sync with their WorkOS directories.",
        subcommands = {RunCommand.class, PollerCommand.class, ProcessorCommand.class, WriterCommand.class,
            StatusCommand.class, MembersCommand.class, MappingsCommand.class, ResyncCommand.class, MemberCommand.class, ProvisioningCommand.class, VerifyCommand.class, ReplayCommand.class, EmulatorCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done, or stopped cleanly",
            "1:a stage failed while running",
            "2:bad command line or configuration",
            "3:the admin API could not be reached or refused the token",
            "4:Kafka, the database, the data directory or the admin port is not usable",
            "5:verify found drift",
            "6:resync held by the safeguard"})
public final class ScimSyncCommand {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests, without exiting the JVM). */
    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new ScimSyncCommand());
        line.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (e instanceof ConfigException config) {
                err.println("scim-sync: " + config.getMessage());
                return ExitCodes.BAD_CONFIGURATION;
            }
            if (e instanceof InfrastructureException infra) {
                err.println("scim-sync: " + infra.getMessage());
                return ExitCodes.INFRASTRUCTURE;
            }
            if (e instanceof AdminApiException api) {
                err.println("scim-sync: " + api.getMessage());
                return ExitCodes.ADMIN_API_UNAVAILABLE;
            }
            err.println("scim-sync: " + e);
            e.printStackTrace(err);
            return ExitCodes.FAILED;
        });
        return line;
    }
}
