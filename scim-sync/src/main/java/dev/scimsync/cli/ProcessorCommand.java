package dev.scimsync.cli;

import java.util.EnumSet;
import java.util.Set;

import dev.scimsync.runtime.Stage;
import picocli.CommandLine.Command;

/** {@code scim-sync processor}: one stage, for deployments that scale stages separately. */
@Command(name = "processor", mixinStandardHelpOptions = true, description = "Runs the stream processor alone (instances share the partitions).")
final class ProcessorCommand extends StageCommand {

    @Override
    Set<Stage> stages() {
        return EnumSet.of(Stage.PROCESSOR);
    }
}
