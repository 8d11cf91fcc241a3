package dev.scimsync.embedded;

import java.nio.file.Path;

/** Starts an embedded PostgreSQL in its own JVM and waits: killing that JVM with SIGKILL orphans the server. */
public final class StartAndWait {

    private StartAndWait() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedDatabase database = EmbeddedDatabase.start(Path.of(args[0]), 0);
        System.out.println("ready " + database.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
