package dev.scimsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.testkit.SharedKafka;
import dev.scimsync.testkit.SharedPostgres;
import picocli.CommandLine;

/**
 * A configured Kafka or database that does not answer is reported within 15 s, in one paragraph naming the
 * variable to fix, with exit code 4 — not after a minute of client retries with a stack trace.
 */
@ExtendWith({SharedKafka.class, SharedPostgres.class})
class StartupChecksIT {

    private static final Duration PROMISED = Duration.ofSeconds(15);

    @TempDir
    Path dataDir;

    private final StringWriter err = new StringWriter();

    @Test
    void shouldExitWith4Within15sNamingBothVariables_WhenNeitherKafkaNorTheDatabaseAnswers() {
        Map<String, String> env = baseEnvironment();
        env.put("SCIM_SYNC_KAFKA_BOOTSTRAP", "127.0.0.1:1");
        env.put("SCIM_SYNC_DB_URL", "jdbc:postgresql://127.0.0.1:1/app");
        env.put("SCIM_SYNC_DB_PASSWORD", "must-not-be-printed");

        long started = System.nanoTime();
        int exit = writer(env);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PROMISED);
        assertThat(exit).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(err.toString())
                .contains("Kafka at 127.0.0.1:1 cannot be reached", "connection refused", "SCIM_SYNC_KAFKA_BOOTSTRAP")
                .contains("The database at jdbc:postgresql://127.0.0.1:1/app cannot be reached", "SCIM_SYNC_DB_URL")
                .doesNotContain("\tat ")
                .doesNotContain("must-not-be-printed");
        assertThat(err.toString().strip().lines()).as("one paragraph").hasSize(1);
    }

    @Test
    void shouldExitWith4NamingOnlySCIM_SYNC_DB_URL_WhenKafkaAnswersButTheDatabaseDoesNot() {
        Map<String, String> env = baseEnvironment();
        env.put("SCIM_SYNC_KAFKA_BOOTSTRAP", SharedKafka.bootstrapServers());
        env.put("SCIM_SYNC_DB_URL", "jdbc:postgresql://127.0.0.1:1/app");

        long started = System.nanoTime();
        int exit = writer(env);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PROMISED);
        assertThat(exit).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(err.toString()).contains("SCIM_SYNC_DB_URL").doesNotContain("SCIM_SYNC_KAFKA_BOOTSTRAP")
                .doesNotContain("\tat ");
    }

    @Test
    void shouldExitWith4AtOnceNamingUserAndPassword_WhenTheDatabaseRefusesThePassword() {
        assumeTrue(!SharedPostgres.password().isEmpty(), "the shared database asks for a password");
        Map<String, String> env = baseEnvironment();
        env.put("SCIM_SYNC_KAFKA_BOOTSTRAP", SharedKafka.bootstrapServers());
        env.put("SCIM_SYNC_DB_URL", SharedPostgres.baseUrl());
        env.put("SCIM_SYNC_DB_USER", SharedPostgres.user());
        env.put("SCIM_SYNC_DB_PASSWORD", "wrong-" + SharedPostgres.password());

        long started = System.nanoTime();
        int exit = writer(env);

        // a refused password will not change by waiting
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(exit).isEqualTo(ExitCodes.INFRASTRUCTURE);
        assertThat(err.toString()).contains("refused user '" + SharedPostgres.user() + "'", "SCIM_SYNC_DB_USER",
                "SCIM_SYNC_DB_PASSWORD").doesNotContain(SharedPostgres.password()).doesNotContain("\tat ");
    }

    private Map<String, String> baseEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("SCIM_SYNC_DATA_DIR", dataDir.toString());
        env.put("SCIM_SYNC_HTTP_PORT", "0");
        env.put("SCIM_SYNC_TOPIC_PREFIX", SharedKafka.uniquePrefix("startupchecks"));
        return env;
    }

    /** The writer alone: it needs both Kafka and the database, and nothing embedded. */
    private int writer(Map<String, String> env) {
        WriterCommand writer = new WriterCommand();
        writer.environment = env;
        CommandLine line = new CommandLine(writer).setErr(new PrintWriter(err, true))
                .setExecutionExceptionHandler(ScimSyncCommand.commandLine().getExecutionExceptionHandler());
        // today's limit is the promise; without the checks the clients retried for a minute or more
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> line.execute());
    }
}
