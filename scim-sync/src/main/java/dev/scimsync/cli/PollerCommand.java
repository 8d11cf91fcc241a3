package dev.scimsync.cli;

import java.util.EnumSet;
import java.util.Set;

import dev.scimsync.runtime.Stage;
import picocli.CommandLine.Command;

/** {@code scim-sync poller}: one stage, for deployments that scale stages separately. */
@Command(name = "poller", mixinStandardHelpOptions = true, description = "Runs the WorkOS Events API poller alone (one instance polls; others stand by).")
final class PollerCommand extends StageCommand {

    @Override
    Set<Stage> stages() {
        return EnumSet.of(Stage.POLLER);
    }
}
