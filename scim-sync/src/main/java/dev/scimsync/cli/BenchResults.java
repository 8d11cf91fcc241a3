package dev.scimsync.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.scimsync.core.serde.Json;
import dev.scimsync.runtime.MachineInfo;

/**
 * What one {@code bench} run measured: each figure printed as a line of the report and kept, with its unit, for
 * {@code bench-results/<kind>-<UTC time>.json} (date, commit, machine, parameters, figures and ratios), so that
 * BENCHMARKS.md cites files rather than copied terminal output.
 */
final class BenchResults {

    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final PrintWriter out;
    private final Instant started = Instant.now();
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    /** kind (pipeline, resync, lag…) → figure name → {value, unit, description}. */
    private final Map<String, Map<String, Map<String, Object>>> figures = new LinkedHashMap<>();

    BenchResults(PrintWriter out) {
        this.out = out;
    }

    BenchResults parameter(String name, Object value) {
        parameters.put(name, value);
        return this;
    }

    void seconds(String kind, String name, String description, double value) {
        record(kind, name, description, value, "s", String.format(Locale.ROOT, "%9.2fs", value));
    }

    void millis(String kind, String name, String description, double value) {
        record(kind, name, description, value, "ms", String.format(Locale.ROOT, "%8.1fms", value));
    }

    void rate(String kind, String name, String description, double value, String unit) {
        record(kind, name, description, value, unit, String.format(Locale.ROOT, "%,10.0f", value));
    }

    void ratio(String kind, String name, String description, double value) {
        record(kind, name, description, value, "ratio", String.format(Locale.ROOT, "%9.2fx", value));
    }

    void count(String kind, String name, String description, long value) {
        record(kind, name, description, value, "count", String.format(Locale.ROOT, "%,10d", value));
    }

    void text(String kind, String name, String description, String value) {
        record(kind, name, description, value, null, String.format(Locale.ROOT, "%10s", value));
    }

    private void record(String kind, String name, String description, Object value, String unit, String shown) {
        Map<String, Object> figure = new LinkedHashMap<>();
        figure.put("value", value instanceof Double d && (d.isNaN() || d.isInfinite()) ? null : value);
        if (unit != null) {
            figure.put("unit", unit);
        }
        figure.put("description", description.strip());
        figures.computeIfAbsent(kind, k -> new LinkedHashMap<>()).put(name, figure);
        out.printf(Locale.ROOT, "%-56s %s%n", description, shown);
        out.flush();
    }

    /** Writes one file per kind measured into {@code dir}; returns the files written. */
    List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        String machine = MachineInfo.describe();
        String commit = commit();
        List<Path> written = new java.util.ArrayList<>();
        for (Map.Entry<String, Map<String, Map<String, Object>>> kind : figures.entrySet()) {
            ObjectNode json = Json.MAPPER.createObjectNode();
            json.put("kind", kind.getKey());
            json.put("date", started.toString());
            json.put("commit", commit);
            json.put("machine", machine);
            json.set("parameters", Json.MAPPER.valueToTree(parameters));
            json.set("figures", Json.MAPPER.valueToTree(kind.getValue()));
            Path file = dir.resolve(kind.getKey() + "-" + FILE_TIME.format(started) + ".json");
            Files.writeString(file, Json.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(json) + "\n", StandardCharsets.UTF_8);
            written.add(file);
        }
        return written;
    }

    /**
     * The commit the running code was built from ({@code -dirty} when built with local changes), as the build
     * recorded it in the jar; else (classes run from a checkout without that record) the checkout's commit; else
     * "unknown". The checkout alone may have moved on since the jar was built.
     */
    /** Where the build records the commit it built (in the jar, and in target/classes). */
    static final String BUILD_RECORD = "/scim-sync-git.properties";

    static String commit() {
        try (java.io.InputStream in = BenchResults.class.getResourceAsStream(BUILD_RECORD)) {
            if (in != null) {
                java.util.Properties built = new java.util.Properties();
                built.load(in);
                String id = builtFrom(built);
                if (id != null) {
                    return id;
                }
            }
        } catch (IOException e) {
            // fall back to the checkout
        }
        String head = git("rev-parse", "--short=12", "HEAD");
        if (head == null) {
            return "unknown";
        }
        String status = git("status", "--porcelain", "--untracked-files=no");
        return status == null || status.isEmpty() ? head : head + "-dirty";
    }

    /**
     * The commit in the build's record (git-commit-id-maven-plugin's properties), {@code -dirty} when built with local
     * changes; null when the record names none.
     */
    static String builtFrom(java.util.Properties built) {
        String id = built.getProperty("git.commit.id.abbrev");
        if (id == null || id.isBlank()) {
            return null;
        }
        return "true".equals(built.getProperty("git.dirty")) ? id + "-dirty" : id;
    }

    private static String git(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? output : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
