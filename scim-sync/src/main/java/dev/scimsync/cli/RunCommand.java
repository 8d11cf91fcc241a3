package dev.scimsync.cli;

import java.io.PrintStream;
import java.util.EnumSet;
import java.util.Set;

import dev.scimsync.runtime.LiveStatus;
import dev.scimsync.runtime.ScimSyncRuntime;
import dev.scimsync.runtime.Stage;
import picocli.CommandLine.Command;

/** {@code scim-sync run}: every stage in one process, zero setup by default. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the whole pipeline in one process: poller, processor and writer.",
            "Zero setup: without SCIM_SYNC_KAFKA_BOOTSTRAP an embedded Kafka broker, without SCIM_SYNC_DB_URL an "
                + "embedded PostgreSQL, without WORKOS_API_KEY the WorkOS emulator with a demo directory; data under "
                + "SCIM_SYNC_DATA_DIR (./data)."})
final class RunCommand extends StageCommand {

    private LiveStatus live;

    @Override
    Set<Stage> stages() {
        return EnumSet.allOf(Stage.class);
    }

    @Override
    void tick(ScimSyncRuntime runtime, PrintStream out) {
        if (live == null) {
            live = new LiveStatus(runtime);
        }
        out.println(live.line());
        out.flush();
    }
}
