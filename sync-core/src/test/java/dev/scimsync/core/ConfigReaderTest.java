package dev.scimsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.scimsync.core.config.CommonSettings;
import dev.scimsync.core.config.ConfigException;
import dev.scimsync.core.config.ConfigReader;

class ConfigReaderTest {

    @Test
    void shouldUseDefaults_WhenNothingIsSet() {
        ConfigReader reader = ConfigReader.from(Map.of());

        assertThat(reader.get(CommonSettings.HTTP_PORT)).isEqualTo(8080);
        assertThat(reader.get(CommonSettings.POLL_INTERVAL)).isEqualTo(Duration.ofMillis(200));
        assertThat(reader.get(CommonSettings.KAFKA_BOOTSTRAP)).isNull();
        assertThat(reader.problems()).isEmpty();
    }

    @Test
    void shouldReportEveryProblemTogether_WhenSeveralSettingsAreWrong() {
        ConfigReader reader = ConfigReader.from(Map.of(
                "SCIM_SYNC_HTTP_PORT", "eighty",
                "SCIM_SYNC_POLL_INTERVAL", "1 second",
                "WORKOS_API_BASE_URL", "ftp://nowhere"));

        reader.get(CommonSettings.HTTP_PORT);
        reader.get(CommonSettings.POLL_INTERVAL);
        reader.get(CommonSettings.WORKOS_API_BASE_URL);
        reader.get(CommonSettings.WORKOS_API_KEY.asRequired());

        assertThatThrownBy(reader::throwIfInvalid)
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(4))
                .hasMessageContaining("SCIM_SYNC_HTTP_PORT: expected a whole number")
                .hasMessageContaining("SCIM_SYNC_POLL_INTERVAL: expected an ISO-8601 duration")
                .hasMessageContaining("WORKOS_API_BASE_URL: expected an http(s) URL")
                .hasMessageContaining("WORKOS_API_KEY: required but not set");
    }

    @Test
    void shouldCheckAddressesAndNamesWhenRead_NotWhenAClientFirstUsesThem() {
        ConfigReader reader = ConfigReader.from(Map.of(
                "SCIM_SYNC_KAFKA_BOOTSTRAP", "kafka-1:9092,kafka-2",
                "SCIM_SYNC_DB_URL", "postgres://scim:s3cret@db/app",
                "SCIM_SYNC_TOPIC_PREFIX", "scim sync.",
                "SCIM_SYNC_HTTP_HOST", "http://localhost"));

        reader.get(CommonSettings.KAFKA_BOOTSTRAP);
        reader.get(CommonSettings.DB_URL);
        reader.get(CommonSettings.TOPIC_PREFIX);
        reader.get(CommonSettings.HTTP_HOST);

        assertThat(reader.problems()).hasSize(4);
        assertThat(String.join("\n", reader.problems()))
                .contains("SCIM_SYNC_KAFKA_BOOTSTRAP: expected host:port[,host:port…] such as kafka-1:9092")
                .contains("SCIM_SYNC_DB_URL: expected a PostgreSQL JDBC URL such as jdbc:postgresql://db:5432/app")
                .contains("SCIM_SYNC_TOPIC_PREFIX: expected up to 200 of the characters a-z A-Z 0-9 . _ -")
                .contains("SCIM_SYNC_HTTP_HOST: expected a host name or IP address")
                .doesNotContain("s3cret");
    }

    @Test
    void shouldAcceptTheUsualAddresses() {
        ConfigReader reader = ConfigReader.from(Map.of(
                "SCIM_SYNC_KAFKA_BOOTSTRAP", "kafka-1:9092, [::1]:9093",
                "SCIM_SYNC_DB_URL", "jdbc:postgresql://db:5432/app?currentSchema=orgs",
                "SCIM_SYNC_TOPIC_PREFIX", "prod_scim-sync.v2."));

        assertThat(reader.get(CommonSettings.KAFKA_BOOTSTRAP)).isEqualTo("kafka-1:9092, [::1]:9093");
        assertThat(reader.get(CommonSettings.DB_URL)).isEqualTo("jdbc:postgresql://db:5432/app?currentSchema=orgs");
        assertThat(reader.get(CommonSettings.TOPIC_PREFIX)).isEqualTo("prod_scim-sync.v2.");
        assertThat(reader.problems()).isEmpty();
    }

    @Test
    void shouldListAProblemOnce_WhenSeveralModulesReadTheSameSetting() {
        ConfigReader reader = ConfigReader.from(Map.of("SCIM_SYNC_PARTITIONS", "lots"));

        reader.get(CommonSettings.PARTITIONS);
        reader.get(CommonSettings.PARTITIONS);

        assertThat(reader.problems()).containsExactly("SCIM_SYNC_PARTITIONS: expected a whole number, got 'lots'");
    }

    @Test
    void shouldPreferEnvironmentOverPropertiesFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("scim-sync.properties");
        Files.writeString(file, "SCIM_SYNC_HTTP_PORT=9000\nSCIM_SYNC_TOPIC_PREFIX=from-file.\n");

        ConfigReader reader = ConfigReader.from(Map.of(
                ConfigReader.CONFIG_FILE, file.toString(),
                "SCIM_SYNC_HTTP_PORT", "9100"));

        assertThat(reader.get(CommonSettings.HTTP_PORT)).isEqualTo(9100);
        assertThat(reader.get(CommonSettings.TOPIC_PREFIX)).isEqualTo("from-file.");
    }

    @Test
    void shouldReportAMissingPropertiesFile() {
        ConfigReader reader = ConfigReader.from(Map.of(ConfigReader.CONFIG_FILE, "/nonexistent/scim-sync.properties"));

        assertThat(reader.problems()).singleElement().asString().startsWith("SCIM_SYNC_CONFIG_FILE: cannot read");
    }

    @Test
    void shouldMaskSecrets_WhenDescribingTheEffectiveConfiguration() {
        String key = "sk_live_abcdefghijklmnop";
        ConfigReader reader = ConfigReader.from(Map.of("WORKOS_API_KEY", key, "SCIM_SYNC_ADMIN_TOKEN", "tok-secret-1",
                "SCIM_SYNC_HTTP_PORT", "9999"));

        String described = reader.describe(CommonSettings.ALL);

        assertThat(described).doesNotContain(key).doesNotContain("tok-secret-1")
                .contains("WORKOS_API_KEY=****** (24 chars)  [environment]")
                .contains("SCIM_SYNC_HTTP_PORT=9999  [environment]")
                .contains("SCIM_SYNC_DATA_DIR=./data  [default]");
    }

    @Test
    void shouldNotEchoAnInvalidSecret() {
        var strictSecret = new dev.scimsync.core.config.Setting<Integer>("SECRET_NUMBER", "", null,
                s -> { throw new IllegalArgumentException("bad value " + s); }, true, false);
        ConfigReader reader = ConfigReader.from(Map.of("SECRET_NUMBER", "hunter2"));

        reader.get(strictSecret);

        assertThat(reader.problems()).isEqualTo(List.of("SECRET_NUMBER: invalid value"));
    }
}
