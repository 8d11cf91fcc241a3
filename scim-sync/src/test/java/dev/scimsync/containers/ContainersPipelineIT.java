package dev.scimsync.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.e2e.TestPipeline;
import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.EmulatorOptions;
import dev.scimsync.emulator.WorkosEmulator;
import dev.scimsync.runtime.ScimSyncRuntime;
import dev.scimsync.runtime.Stage;

/**
 * The whole pipeline against the images docker-compose.yml runs — a Kafka container (the official Apache Kafka
 * image, KRaft) and a PostgreSQL container — instead of the embedded broker and database. Only with -Pcontainers;
 * where no Docker daemon answers, JUnit reports it skipped ("disabledWithoutDocker"), never failed.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainersPipelineIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.3.0")
            // one broker: the share coordinator's internal topic too, like docker-compose.yml
            .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
            .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1");

    @Container
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:17");

    @TempDir
    Path dataDir;

    @Test
    void shouldMirrorScimChangesIntoTheDatabase_OnKafkaAndPostgresContainers() throws Exception {
        try (WorkosEmulator emulator = WorkosEmulator.start(EmulatorOptions.defaults())) {
            EmulatorAdminClient idp = new EmulatorAdminClient(emulator.baseUrl());
            Map<String, String> env = new HashMap<>();
            env.put("SCIM_SYNC_KAFKA_BOOTSTRAP", KAFKA.getBootstrapServers());
            env.put("SCIM_SYNC_DB_URL", POSTGRES.getJdbcUrl());
            env.put("SCIM_SYNC_DB_USER", POSTGRES.getUsername());
            env.put("SCIM_SYNC_DB_PASSWORD", POSTGRES.getPassword());
            env.put("WORKOS_API_KEY", emulator.apiKey());
            env.put("WORKOS_API_BASE_URL", emulator.baseUrl());
            env.put("SCIM_SYNC_HTTP_PORT", "0");
            env.put("SCIM_SYNC_DATA_DIR", dataDir.toString());
            env.put("SCIM_SYNC_POLL_INTERVAL", "PT0.2S");
            try (ScimSyncRuntime runtime = ScimSyncRuntime.start(ConfigReader.from(env), EnumSet.allOf(Stage.class))) {
                CreatedDirectory acme = idp.createDirectory(idp.createOrganization("Acme"), "Acme Okta");
                List<String> users = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    users.add(idp.scimCreateUser(acme.id(), acme.scimToken(), "c" + i + "@acme.test", "C", "N" + i, true));
                }
                List<String> groups = new ArrayList<>();
                for (int g = 0; g < 3; g++) {
                    groups.add(idp.scimCreateGroup(acme.id(), acme.scimToken(), "Team " + g,
                            users.subList(g * 10, g * 10 + 10)));
                }
                idp.scimPatchGroupMembers(acme.id(), acme.scimToken(), groups.get(0), users.subList(20, 25),
                        users.subList(0, 3));
                idp.scimRenameGroup(acme.id(), acme.scimToken(), groups.get(1), "Platform");
                idp.scimReplaceUser(acme.id(), acme.scimToken(), users.get(5), "renamed@acme.test", "R", "P", true);
                idp.scimDeleteUser(acme.id(), acme.scimToken(), users.get(11));
                idp.scimDeleteGroup(acme.id(), acme.scimToken(), groups.get(2));

                TestPipeline.Connections database = () -> DriverManager.getConnection(POSTGRES.getJdbcUrl(),
                        POSTGRES.getUsername(), POSTGRES.getPassword());
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                        .untilAsserted(() -> TestPipeline.assertDatabaseEquals(idp, database, acme));
                HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(runtime.adminServer().url() + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            }
        }
    }
}
