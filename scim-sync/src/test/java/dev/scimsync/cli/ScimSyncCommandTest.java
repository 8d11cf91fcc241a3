package dev.scimsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.admin.AdminToken;

import picocli.CommandLine;

class ScimSyncCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldListEveryConfigurationProblemAndExitWith2_BeforeStartingAnything() {
        RunCommand run = new RunCommand();
        run.environment = Map.of(
                "SCIM_SYNC_HTTP_PORT", "abc",
                "SCIM_SYNC_POLL_INTERVAL", "soon",
                "SCIM_SYNC_WRITER_BATCH_SIZE", "0",
                "WORKOS_API_KEY", "sk_live_must_not_be_printed");
        CommandLine line = ScimSyncCommand.commandLine();
        CommandLine runLine = new CommandLine(run);
        runLine.setErr(new PrintWriter(err)).setExecutionExceptionHandler(line.getExecutionExceptionHandler());

        int exit = runLine.execute();

        assertThat(exit).isEqualTo(ExitCodes.BAD_CONFIGURATION);
        assertThat(err.toString())
                .contains("SCIM_SYNC_HTTP_PORT: expected a whole number, got 'abc'")
                .contains("SCIM_SYNC_POLL_INTERVAL: expected an ISO-8601 duration")
                .contains("SCIM_SYNC_WRITER_BATCH_SIZE: expected a number from 1 to 100000, got 0")
                .doesNotContain("sk_live_must_not_be_printed");
    }

    @Test
    void shouldExitWith3_WhenTheAdminApiCannotBeReached(@TempDir Path dataDir) {
        AdminToken.resolve(null, dataDir); // as a zero-setup run leaves it
        CommandLine line = ScimSyncCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        int exit = line.execute("status", "--url", "http://127.0.0.1:1", "--data-dir", dataDir.toString());

        assertThat(exit).isEqualTo(ExitCodes.ADMIN_API_UNAVAILABLE);
        assertThat(err.toString()).contains("cannot reach the admin API at http://127.0.0.1:1");
    }

    @Test
    void shouldDescribeEveryCommandAndTheExitCodes_InHelp() {
        CommandLine line = ScimSyncCommand.commandLine().setOut(new PrintWriter(out));

        int exit = line.execute("--help");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("run", "poller", "processor", "writer", "status", "emulator",
                "Exit codes:", "2   bad command line or configuration");
    }
}
