package dev.scimsync.cli;

import java.util.EnumSet;
import java.util.Set;

import dev.scimsync.runtime.Stage;
import picocli.CommandLine.Command;

/** {@code scim-sync writer}: one stage, for deployments that scale stages separately. */
@Command(name = "writer", mixinStandardHelpOptions = true, description = "Runs the database writer alone.")
final class WriterCommand extends StageCommand {

    @Override
    Set<Stage> stages() {
        return EnumSet.of(Stage.WRITER);
    }
}
