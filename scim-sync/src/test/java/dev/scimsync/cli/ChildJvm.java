package dev.scimsync.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command that runs {@code scim-sync} in a JVM of its own, as an operator would. */
final class ChildJvm {

    private ChildJvm() {
    }

    /** The runnable jar when the build made it (failsafe runs after package), else this test's classpath. */
    static List<String> scimSync(String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        Path jar = Path.of("target", "scim-sync.jar");
        if (Files.exists(jar)) {
            command.addAll(List.of("-jar", jar.toString()));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ScimSyncCommand.class.getName()));
        }
        command.addAll(List.of(args));
        return command;
    }
}
