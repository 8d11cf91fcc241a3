package dev.scimsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.cli.ScimSyncCommand;
import dev.scimsync.core.serde.Json;
import dev.scimsync.deploy.DeploymentFiles.Instruction;

/**
 * The image and the compose stack as users get them: what a container runs and as whom, how it is checked, and that
 * it is configured only through the settings the documentation explains (and the code reads). Static: no Docker
 * daemon here (deploy/check runs {@code docker compose config} on the same files).
 */
class DeploymentFilesTest {

    private static final Set<String> STAGES = Set.of("poller", "processor", "writer");

    @Test
    void shouldRunTheImageAsAUserWithoutPrivileges() throws Exception {
        List<Instruction> image = DeploymentFiles.finalStage();
        List<String> users = arguments(image, "USER");
        assertThat(users).as("USER in the image's stage").isNotEmpty();
        String user = users.get(users.size() - 1);
        String uid = user.split(":")[0];
        assertThat(uid).isNotIn("root", "0");
        assertThat(arguments(image, "RUN")).as("the user is created in the image")
                .anyMatch(run -> run.contains("useradd") && run.contains("--uid " + uid));
    }

    @Test
    void shouldStartTheJarInExecFormWithContainerAwareMemory_AndNotZeroSetupByDefault() throws Exception {
        List<Instruction> image = DeploymentFiles.finalStage();
        List<String> entrypoint = execForm(single(image, "ENTRYPOINT"));
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint).anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage="));
        int jar = entrypoint.indexOf("-jar");
        assertThat(jar).as("java -jar").isPositive();
        String jarPath = entrypoint.get(jar + 1);
        assertThat(arguments(image, "COPY")).as("the jar is copied to where the entrypoint runs it")
                .anyMatch(copy -> copy.endsWith(" " + jarPath));

        // the default command must not start the embedded broker, database and emulator unasked
        List<String> command = execForm(single(image, "CMD"));
        assertThat(command).doesNotContain("run");
        assertThat(ScimSyncCommand.commandLine().parseArgs(command.toArray(String[]::new)).isUsageHelpRequested()
                || STAGES.contains(command.get(0))).as("help or a stage: " + command).isTrue();
    }

    @Test
    void shouldCheckReadinessOnTheAdminPort_WithACommandTheImageHas() throws Exception {
        List<Instruction> image = DeploymentFiles.finalStage();
        String healthcheck = single(image, "HEALTHCHECK");
        assertThat(healthcheck).contains(" CMD ").contains("/health/ready").contains("${SCIM_SYNC_HTTP_PORT}");
        assertThat(environment(image)).containsKey("SCIM_SYNC_HTTP_PORT");
        String tool = healthcheck.substring(healthcheck.indexOf(" CMD ") + 5).strip().split(" ")[0];
        assertThat(arguments(image, "RUN")).as(tool + " installed in the image")
                .anyMatch(run -> run.contains("install") && run.contains(" " + tool));
        // the base image is a JRE 17, and the build stage builds with the Maven Wrapper
        assertThat(single(image, "FROM")).startsWith("eclipse-temurin:17-jre");
        assertThat(arguments(DeploymentFiles.instructions(), "RUN")).anyMatch(run -> run.contains("./mvnw"));
    }

    @Test
    void shouldSetOnlyDocumentedSettingsInTheImage() throws Exception {
        assertThat(environment(DeploymentFiles.finalStage()).keySet()).isNotEmpty()
                .isSubsetOf(documentedAndDeclared());
    }

    @Test
    void shouldRunEachStageTwice_FromTheImage_WithTheEmulatorAsWorkos() throws Exception {
        Map<String, Map<String, Object>> services = services("docker-compose.yml");
        Map<String, List<String>> byCommand = new HashMap<>();
        services.forEach((name, service) -> {
            if (fromImage(service)) {
                byCommand.computeIfAbsent(command(service).get(0), k -> new ArrayList<>()).add(name);
            }
        });
        for (String stage : STAGES) {
            assertThat(byCommand.get(stage)).as(stage + " instances").hasSize(2);
        }
        assertThat(byCommand.get("emulator")).as("the emulator as WorkOS").hasSize(1);
        assertThat(byCommand).doesNotContainKey("run");
        assertThat(String.valueOf(services.get("kafka").get("image"))).startsWith("apache/kafka:");
        assertThat(environment(services.get("kafka"))).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
        assertThat(services).containsKeys("postgres", "prometheus", "grafana");
    }

    @Test
    void shouldConfigureScimSyncOnlyThroughDocumentedSettings() throws Exception {
        Set<String> allowed = documentedAndDeclared();
        for (String file : List.of("docker-compose.yml", "docker-compose.workos.yml")) {
            Map<String, Map<String, Object>> services = services(file);
            Map<String, Map<String, Object>> base = services("docker-compose.yml");
            services.forEach((name, service) -> {
                if (fromImage(base.getOrDefault(name, service))) {
                    assertThat(environment(service).keySet()).as(file + ": " + name).isSubsetOf(allowed);
                }
            });
        }
        assertThat(allowed).as("the documented settings were found")
                .contains("SCIM_SYNC_KAFKA_BOOTSTRAP", "SCIM_SYNC_DB_URL", "WORKOS_API_KEY");
    }

    @Test
    void shouldStartEachServiceOnlyAfterWhatItNeedsIsHealthy() throws Exception {
        Map<String, Map<String, Object>> services = services("docker-compose.yml");
        Set<String> checked = new TreeSet<>();
        services.forEach((name, service) -> {
            // the image's HEALTHCHECK serves the stages; other commands (the emulator) need their own
            boolean imageCheck = fromImage(service) && STAGES.contains(command(service).get(0));
            if (service.containsKey("healthcheck") || imageCheck) {
                checked.add(name);
            }
        });
        assertThat(checked).as("services with a health check").isEqualTo(services.keySet());
        services.forEach((name, service) -> {
            Object dependsOn = service.get("depends_on");
            if (dependsOn == null) {
                return;
            }
            assertThat(dependsOn).as(name + ": depends_on with conditions").isInstanceOf(Map.class);
            ((Map<?, ?>) dependsOn).forEach((dependency, condition) -> assertThat(condition)
                    .as(name + " waits for " + dependency).isEqualTo(Map.of("condition", "service_healthy")));
        });
        for (String stage : STAGES) {
            assertThat(services.values().stream().filter(s -> fromImage(s) && command(s).get(0).equals(stage)))
                    .as(stage + " instances wait for Kafka").allMatch(s -> ((Map<?, ?>) s.get("depends_on"))
                            .containsKey("kafka"));
        }
    }

    @Test
    void shouldScrapeEveryStageInstance() throws Exception {
        Map<String, Map<String, Object>> services = services("docker-compose.yml");
        String imagePort = environment(DeploymentFiles.finalStage()).get("SCIM_SYNC_HTTP_PORT");
        Set<String> stageTargets = new TreeSet<>();
        services.forEach((name, service) -> {
            if (fromImage(service) && STAGES.contains(command(service).get(0))) {
                stageTargets.add(name + ":" + environment(service).getOrDefault("SCIM_SYNC_HTTP_PORT", imagePort));
            }
        });
        Set<String> scraped = new TreeSet<>();
        List<Map<String, Object>> jobs = list(DeploymentFiles.yaml("deploy/prometheus/prometheus.yml")
                .get("scrape_configs"));
        for (Map<String, Object> job : jobs) {
            assertThat(job.get("job_name")).as("the alerts select job=\"scim-sync\"").isEqualTo("scim-sync");
            for (Map<String, Object> config : list(job.get("static_configs"))) {
                for (Object target : (List<?>) config.get("targets")) {
                    scraped.add(String.valueOf(target));
                }
            }
        }
        assertThat(scraped).isEqualTo(stageTargets).hasSize(6);
    }

    private static Set<String> documentedAndDeclared() throws Exception {
        Set<String> both = new TreeSet<>(DeploymentFiles.documentedVariables());
        both.retainAll(DeploymentFiles.declaredVariables());
        return both;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services(String file) throws Exception {
        return (Map<String, Map<String, Object>>) DeploymentFiles.yaml(file).get("services");
    }

    /** Built from the repository's Dockerfile. */
    private static boolean fromImage(Map<String, Object> service) {
        Object build = service.get("build");
        return ".".equals(build) || build instanceof Map<?, ?> m && ".".equals(m.get("context"));
    }

    private static List<String> command(Map<String, Object> service) {
        Object command = service.get("command");
        if (command instanceof List<?> parts) {
            return parts.stream().map(String::valueOf).toList();
        }
        return command == null ? List.of("") : List.of(String.valueOf(command).split(" +"));
    }

    /** A service's environment, in either of Compose's forms (a map, or a list of NAME=value). */
    private static Map<String, String> environment(Map<String, Object> service) {
        Object env = service.get("environment");
        Map<String, String> values = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> map) {
            map.forEach((k, v) -> values.put(String.valueOf(k), String.valueOf(v)));
        } else if (env instanceof List<?> entries) {
            for (Object entry : entries) {
                String[] kv = String.valueOf(entry).split("=", 2);
                values.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return values;
    }

    /** ENV of the image, both forms ({@code ENV A=1 B=2} and {@code ENV A 1}). */
    private static Map<String, String> environment(List<Instruction> image) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String env : arguments(image, "ENV")) {
            if (!env.contains("=")) {
                String[] kv = env.split(" +", 2);
                values.put(kv[0], kv[1]);
                continue;
            }
            for (String pair : env.split(" +")) {
                String[] kv = pair.split("=", 2);
                values.put(kv[0], kv[1]);
            }
        }
        return values;
    }

    private static List<String> arguments(List<Instruction> instructions, String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    private static String single(List<Instruction> instructions, String keyword) {
        List<String> found = arguments(instructions, keyword);
        assertThat(found).as(keyword).hasSize(1);
        return found.get(0);
    }

    /** The JSON array of an exec-form instruction: signals reach the JVM, not a shell. */
    private static List<String> execForm(String arguments) throws Exception {
        JsonNode array = Json.MAPPER.readTree(arguments);
        assertThat(array.isArray()).as("exec form: " + arguments).isTrue();
        List<String> parts = new ArrayList<>();
        array.forEach(node -> parts.add(node.asText()));
        return parts;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }
}
