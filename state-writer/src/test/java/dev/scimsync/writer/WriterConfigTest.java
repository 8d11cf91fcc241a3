package dev.scimsync.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.scimsync.core.config.ConfigReader;

class WriterConfigTest {

    @Test
    void shouldUseDefaults_WhenNothingIsSet() {
        ConfigReader reader = ConfigReader.from(Map.of());
        WriterConfig config = WriterConfig.from(reader);

        assertThat(reader.problems()).isEmpty();
        assertThat(config.batchSize()).isEqualTo(500);
        assertThat(config.batchMaxWait()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.groupId()).isEqualTo("scim-sync-state-writer");
        assertThat(config.topics().members().name()).isEqualTo("scim-sync.members");
        assertThat(config.dbUrl()).isNull();
        assertThat(config.dbUser()).isEqualTo("postgres");
        assertThat(config.kafkaBootstrap()).isNull();
        assertThat(config.commitToKafka()).isTrue();
    }

    @Test
    void shouldReadEverySetting() {
        WriterConfig config = WriterConfig.from(ConfigReader.from(Map.of(
                "SCIM_SYNC_WRITER_BATCH_SIZE", "2000",
                "SCIM_SYNC_WRITER_BATCH_MAX_WAIT", "PT0.5S",
                "SCIM_SYNC_WRITER_GROUP_ID", "w2",
                "SCIM_SYNC_TOPIC_PREFIX", "x.",
                "SCIM_SYNC_DB_URL", "jdbc:postgresql://db/orgs",
                "SCIM_SYNC_DB_PASSWORD", "hunter2",
                "SCIM_SYNC_KAFKA_BOOTSTRAP", "k:9092",
                "SCIM_SYNC_WRITER_COMMIT_TO_KAFKA", "false")));

        assertThat(config.batchSize()).isEqualTo(2000);
        assertThat(config.batchMaxWait()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.groupId()).isEqualTo("w2");
        assertThat(config.topics().status().name()).isEqualTo("x.status");
        assertThat(config.dbUrl()).isEqualTo("jdbc:postgresql://db/orgs");
        assertThat(config.kafkaBootstrap()).isEqualTo("k:9092");
        assertThat(config.commitToKafka()).isFalse();
        assertThat(config.toString()).doesNotContain("hunter2").contains("dbPassword=******");
    }

    @Test
    void shouldReportEveryProblemTogether() {
        ConfigReader reader = ConfigReader.from(Map.of(
                "SCIM_SYNC_WRITER_BATCH_SIZE", "0",
                "SCIM_SYNC_WRITER_BATCH_MAX_WAIT", "soon",
                "SCIM_SYNC_WRITER_RETRY_BACKOFF", "PT20S",
                "SCIM_SYNC_WRITER_RETRY_MAX_BACKOFF", "PT1S"));
        WriterConfig.from(reader);

        assertThat(reader.problems()).hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith("SCIM_SYNC_WRITER_BATCH_SIZE"))
                .anySatisfy(p -> assertThat(p).startsWith("SCIM_SYNC_WRITER_BATCH_MAX_WAIT"))
                .anySatisfy(p -> assertThat(p).startsWith("SCIM_SYNC_WRITER_RETRY_BACKOFF"));
    }

    @Test
    void shouldFindTheSchema_InTheJdbcUrl() {
        assertThat(Database.currentSchemaOf("jdbc:postgresql://h:5432/db?currentSchema=orgs")).isEqualTo("orgs");
        assertThat(Database.currentSchemaOf("jdbc:postgresql://h:5432/db")).isNull();
    }
}
