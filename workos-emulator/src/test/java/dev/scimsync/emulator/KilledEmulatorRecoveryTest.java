package dev.scimsync.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.model.DirectorySnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An emulator process killed with SIGKILL under load from four IdP clients and one event reader:
 * the restarted emulator has every change a client was told succeeded, every event the reader was
 * served, and events that agree with the model.
 */
class KilledEmulatorRecoveryTest {

    private static final int CLIENTS = 4;

    @TempDir
    Path dir;

    @Test
    void shouldRestoreEveryAcknowledgedChangeAndServedEvent_WhenTheProcessIsKilledUnderLoad() throws Exception {
        Path file = dir.resolve("emulator.json");
        Process process = startEmulatorProcess(file);
        Map<String, String> acknowledgedNames = new ConcurrentHashMap<>();
        Map<String, String> inFlightNames = new ConcurrentHashMap<>();
        Set<String> acknowledgedMemberships = ConcurrentHashMap.newKeySet();
        Set<String> servedEventIds = ConcurrentHashMap.newKeySet();
        CreatedDirectory directory;
        String groupId;
        ExecutorService load = Executors.newFixedThreadPool(CLIENTS + 1);
        try {
            String baseUrl = baseUrl(process);
            EmulatorAdminClient admin = new EmulatorAdminClient(baseUrl);
            directory = admin.createDirectory(admin.createOrganization("Killed Inc"), "Killed");
            groupId = admin.scimCreateGroup(directory.id(), directory.scimToken(), "Everyone", List.of());
            AtomicInteger changes = new AtomicInteger();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                running.add(load.submit(() -> idpClient(baseUrl, directory, groupId, client, changes,
                        acknowledgedNames, inFlightNames, acknowledgedMemberships)));
            }
            running.add(load.submit(() -> eventReader(baseUrl, servedEventIds)));
            await().atMost(Duration.ofSeconds(30)).until(() -> changes.get() >= 1_000);

            process.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
            process.waitFor(10, TimeUnit.SECONDS);
            for (Future<?> client : running) {
                client.get(30, TimeUnit.SECONDS);
            }
        } finally {
            load.shutdownNow();
            process.destroyForcibly();
        }

        try (EmulatorFixture restarted = EmulatorFixture.start(EmulatorOptions.defaults().withPersistFile(file))) {
            DirectorySnapshot snapshot = restarted.admin().snapshot(directory.id());
            Map<String, String> names = new HashMap<>();
            snapshot.users().forEach(u -> names.put(u.id(), u.firstName()));
            assertThat(acknowledgedNames).isNotEmpty();
            acknowledgedNames.forEach((userId, name) -> assertThat(names.get(userId))
                    .as("user %s: the acknowledged name, or the one in flight at the kill", userId)
                    .isIn(name, inFlightNames.get(userId)));
            Set<String> memberships = new HashSet<>();
            snapshot.memberships().forEach(m -> memberships.add(m.groupId() + "/" + m.userId()));
            assertThat(memberships).containsAll(acknowledgedMemberships);

            List<JsonNode> events = restarted.newEvents();
            assertThat(events).extracting(e -> e.get("id").asText()).containsAll(servedEventIds);
            assertThat(replay(events, directory.id())).as("the events tell the model's story")
                    .isEqualTo(new Replayed(names, memberships));
        }
    }

    /** Creates users, renames them and adds them to the group, one request after another. */
    private static void idpClient(String baseUrl, CreatedDirectory directory, String groupId, int client,
                                  AtomicInteger changes, Map<String, String> acknowledgedNames,
                                  Map<String, String> inFlightNames, Set<String> acknowledgedMemberships) {
        EmulatorAdminClient idp = new EmulatorAdminClient(baseUrl);
        List<String> mine = new ArrayList<>();
        try {
            for (int n = 0; ; n++) {
                if (n % 5 == 0) {
                    String userId = idp.scimCreateUser(directory.id(), directory.scimToken(),
                            "c" + client + "-" + n + "@killed.example", "Created", "User", true);
                    acknowledgedNames.put(userId, "Created");
                    mine.add(userId);
                } else if (n % 5 == 1) {
                    String userId = mine.get(mine.size() - 1);
                    idp.scimPatchGroupMembers(directory.id(), directory.scimToken(), groupId, List.of(userId), List.of());
                    acknowledgedMemberships.add(groupId + "/" + userId);
                } else {
                    String userId = mine.get(n % mine.size());
                    String name = "Name " + n;
                    inFlightNames.put(userId, name);
                    idp.scimReplaceUser(directory.id(), directory.scimToken(), userId, "c" + client + "-"
                            + (mine.indexOf(userId) * 5) + "@killed.example", name, "User", true);
                    acknowledgedNames.put(userId, name);
                }
                changes.incrementAndGet();
            }
        } catch (UncheckedIOException killed) {
            // the process is gone; what was acknowledged so far is what the restart must have
        }
    }

    /** Reads the event stream forward like the poller, remembering every id it was served. */
    private static void eventReader(String baseUrl, Set<String> servedEventIds) {
        HttpClient http = HttpClient.newHttpClient();
        String cursor = null;
        try {
            while (true) {
                String query = "events=" + EmulatorFixture.enc(EmulatorFixture.ALL_DSYNC_EVENTS) + "&order=asc&limit=100"
                        + (cursor == null ? "" : "&after=" + cursor);
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/events?" + query))
                        .header("Authorization", "Bearer " + EmulatorOptions.DEFAULT_API_KEY).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode data = Json.MAPPER.readTree(response.body()).get("data");
                for (JsonNode event : data) {
                    servedEventIds.add(event.get("id").asText());
                    cursor = event.get("id").asText();
                }
            }
        } catch (IOException killed) {
            // the process is gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The directory as its events describe it: each user's first name, and the memberships. */
    private static Replayed replay(List<JsonNode> events, String directoryId) {
        Map<String, String> names = new HashMap<>();
        Set<String> memberships = new HashSet<>();
        for (JsonNode event : events) {
            JsonNode data = event.get("data");
            switch (event.get("event").asText()) {
                case "dsync.user.created", "dsync.user.updated" -> {
                    if (data.get("directory_id").asText().equals(directoryId)) {
                        names.put(data.get("id").asText(), data.get("first_name").asText());
                    }
                }
                case "dsync.group.user_added" -> memberships.add(data.get("group").get("id").asText() + "/"
                        + data.get("user").get("id").asText());
                default -> { }
            }
        }
        return new Replayed(names, memberships);
    }

    private record Replayed(Map<String, String> names, Set<String> memberships) {
    }

    private Process startEmulatorProcess(Path file) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                EmulatorMain.class.getName(), "--port", "0", "--no-rate-limits", "--persist", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("emulator.log").toFile()).start();
    }

    private String baseUrl(Process process) {
        Path log = dir.resolve("emulator.log");
        String prefix = "WorkOS emulator: ";
        await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive()
                || Files.readAllLines(log).stream().anyMatch(l -> l.startsWith(prefix)));
        try {
            return Files.readAllLines(log).stream().filter(l -> l.startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the emulator did not start: " + readLog(log)))
                    .substring(prefix.length()).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readLog(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
