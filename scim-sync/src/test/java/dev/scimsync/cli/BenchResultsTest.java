package dev.scimsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.serde.Json;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

class BenchResultsTest {

    @Test
    void shouldWriteOneFilePerKind_WithEveryFigureItsUnitAndTheRunsContext(@TempDir Path dir) throws Exception {
        StringWriter printed = new StringWriter();
        BenchResults results = new BenchResults(new PrintWriter(printed)).parameter("users", 20_000);
        results.seconds("pipeline", "pipeline", "stages up to database equal", 12.5);
        results.ratio("pipeline", "pipeline_over_copy", "pipeline / COPY", 20.0);
        results.seconds("resync", "resync", "resync", 50.0);
        results.seconds("resync", "unknown", "a figure that could not be measured", Double.NaN);

        List<Path> files = results.write(dir);

        assertThat(files).hasSize(2);
        JsonNode pipeline = Json.MAPPER.readTree(Files.readString(files.get(0)));
        assertThat(files.get(0).getFileName().toString()).matches("pipeline-\\d{8}T\\d{6}Z\\.json");
        assertThat(pipeline.path("kind").asText()).isEqualTo("pipeline");
        assertThat(pipeline.path("machine").asText()).contains("cores");
        assertThat(pipeline.path("commit").asText()).isNotBlank();
        assertThat(pipeline.path("parameters").path("users").asInt()).isEqualTo(20_000);
        assertThat(pipeline.path("figures").path("pipeline").path("value").asDouble()).isEqualTo(12.5);
        assertThat(pipeline.path("figures").path("pipeline").path("unit").asText()).isEqualTo("s");
        assertThat(pipeline.path("figures").path("pipeline_over_copy").path("unit").asText()).isEqualTo("ratio");
        JsonNode resync = Json.MAPPER.readTree(Files.readString(files.get(1)));
        assertThat(resync.path("figures").path("unknown").path("value").isNumber()).isFalse();
        assertThat(resync.path("figures").path("unknown").path("unit").asText()).isEqualTo("s");
        assertThat(printed.toString()).contains("stages up to database equal", "12.50s", "20.00x");
    }

    @Test
    void shouldTakePercentilesOfTheSamplesBetweenTwoSnapshotsOnly() {
        Timer timer = Timer.builder("lag").publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(1)).register(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        for (int i = 0; i < 1_000; i++) {
            timer.record(Duration.ofSeconds(30)); // before: must not count
        }
        HistogramSnapshot before = timer.takeSnapshot();
        for (int i = 0; i < 99; i++) {
            timer.record(Duration.ofMillis(200));
        }
        timer.record(Duration.ofSeconds(2));
        HistogramSnapshot after = timer.takeSnapshot();

        double p50 = LagBench.percentile(before, after, 0.50);
        double p99 = LagBench.percentile(before, after, 0.99);
        double p100 = LagBench.percentile(before, after, 1.0);

        assertThat(p50).isBetween(0.2, 0.25);
        assertThat(p99).isEqualTo(p50);
        assertThat(p100).isBetween(2.0, 2.5);
        assertThat(LagBench.percentile(after, after, 0.5)).isNaN();
    }

    @Test
    void shouldNameTheCommitTheCodeWasBuiltFrom_NotTheCheckoutsLaterOne() throws Exception {
        java.util.Properties built = new java.util.Properties();
        try (java.io.InputStream in = BenchResults.class.getResourceAsStream(BenchResults.BUILD_RECORD)) {
            assertThat(in).as("the build records its commit (git-commit-id-maven-plugin)").isNotNull();
            built.load(in);
        }
        String id = built.getProperty("git.commit.id.abbrev");

        assertThat(id).matches("[0-9a-f]{12}");
        assertThat(BenchResults.commit()).isEqualTo("true".equals(built.getProperty("git.dirty")) ? id + "-dirty" : id);
        // a build record that is not this checkout's HEAD is still what is named
        java.util.Properties older = new java.util.Properties();
        older.setProperty("git.commit.id.abbrev", "0123456789ab");
        older.setProperty("git.dirty", "true");
        assertThat(BenchResults.builtFrom(older)).isEqualTo("0123456789ab-dirty");
        assertThat(BenchResults.builtFrom(new java.util.Properties())).as("no record: the checkout decides").isNull();
    }
}
