package dev.scimsync.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.zaxxer.hikari.HikariDataSource;

import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.embedded.EmbeddedDatabase;
import dev.scimsync.testkit.SharedKafka;

/** Stopping the runtime when what a stage waits for is gone. */
@ExtendWith(SharedKafka.class)
class RuntimeStopIT {

    @Test
    void shouldStopWithinSeconds_WhenTheDatabaseIsGoneWhileTheWriterWaitsForIt(@TempDir Path dir) throws Exception {
        // a database server of its own (configured, not embedded by the runtime), so that the test can take it away
        EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("postgres"), 0);
        String prefix = SharedKafka.uniquePrefix("runtimestop");
        Map<String, String> env = new HashMap<>();
        env.put("SCIM_SYNC_KAFKA_BOOTSTRAP", SharedKafka.bootstrapServers());
        env.put("SCIM_SYNC_DB_URL", database.jdbcUrl());
        env.put("SCIM_SYNC_DB_PASSWORD", database.password());
        env.put("SCIM_SYNC_DATA_DIR", dir.resolve("data").toString()); // the emulator and its demo directory
        env.put("SCIM_SYNC_HTTP_PORT", "0");
        env.put("SCIM_SYNC_TOPIC_PREFIX", prefix + ".");
        env.put("SCIM_SYNC_PROCESSOR_APPLICATION_ID", prefix + "-processor");
        env.put("SCIM_SYNC_WRITER_GROUP_ID", prefix + "-writer");
        env.put("SCIM_SYNC_POLLER_TRANSACTIONAL_ID", prefix + "-poller");
        ScimSyncRuntime runtime = ScimSyncRuntime.start(ConfigReader.from(env), EnumSet.allOf(Stage.class));
        try {
            HikariDataSource pool = (HikariDataSource) runtime.database().dataSource();
            await("members written").atMost(Duration.ofMinutes(2)).until(() -> members(pool) > 0);

            database.close();
            // the demo changes the directory every 2 s: the writer soon holds records it cannot write
            await("the writer waiting for a connection").atMost(Duration.ofMinutes(1))
                    .until(() -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection() > 0);

            long stopping = System.nanoTime();
            runtime.close();
            Duration took = Duration.ofNanos(System.nanoTime() - stopping);
            System.out.printf("runtime stopped %.2f s after close() with the database gone%n", took.toMillis() / 1000.0);

            // the writer is given up after ScimSyncRuntime.STAGE_STOP_BOUND; the pool, whose connection attempts
            // back off while the database is gone, takes a few seconds more. Before: 60 s and more
            assertThat(took).isLessThan(Duration.ofSeconds(20));
        } finally {
            runtime.close();
            database.close();
        }
    }

    private static int members(HikariDataSource pool) throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM members")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
