package dev.scimsync.emulator.persist;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.events.EventLog;
import dev.scimsync.emulator.ids.IdGenerator;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.model.EmulatorModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PersistenceTest {

    @TempDir
    Path dir;

    @Test
    void shouldRestoreTheSameModelAndEvents_WhenReopenedAfterManyChangesAndSnapshots() throws IOException {
        PersistedEmulator.State before;
        try (PersistedEmulator emulator = PersistedEmulator.open(file(), PersistedEmulator.SMALL)) {
            new ChangeScript(emulator.model, 42).run(1_500);
            before = emulator.state();
        }
        assertThat(before.renderedEvents()).hasSizeGreaterThan(1_500);
        assertThat(journals()).as("compacted on the way").doesNotContain("emulator.json.journal.000001");

        try (PersistedEmulator restored = PersistedEmulator.open(file(), PersistedEmulator.SMALL)) {
            assertThat(restored.state()).isEqualTo(before);
        }
    }

    @Test
    void shouldRestoreFromTheJournalAlone_WhenNoSnapshotWasWrittenYet() {
        PersistedEmulator.State before;
        try (PersistedEmulator emulator = PersistedEmulator.open(file())) {
            new ChangeScript(emulator.model, 7).run(300);
            before = emulator.state();
        }
        assertThat(file()).doesNotExist();

        try (PersistedEmulator restored = PersistedEmulator.open(file())) {
            assertThat(restored.state()).isEqualTo(before);
        }
    }

    @Test
    void shouldRestoreEverything_WhenRestartedSeveralTimesWithChangesAndASnapshotInBetween() throws Exception {
        PersistedEmulator.State before = null;
        for (int run = 0; run < 4; run++) {
            try (PersistedEmulator emulator = PersistedEmulator.open(file())) {
                if (before != null) {
                    assertThat(emulator.state()).isEqualTo(before);
                }
                new ChangeScript(emulator.model, run).run(100);
                if (run == 1) {
                    emulator.persistence.compactNow();
                }
                before = emulator.state();
            }
        }
        try (PersistedEmulator restored = PersistedEmulator.open(file())) {
            assertThat(restored.state()).isEqualTo(before);
        }
    }

    @Test
    void shouldDeleteTheJournalsASnapshotCovers_WhenItIsWritten() throws Exception {
        try (PersistedEmulator emulator = PersistedEmulator.open(file())) {
            new ChangeScript(emulator.model, 1).run(50);
            emulator.persistence.compactNow();

            assertThat(journals()).containsExactly("emulator.json.journal.000002");
            assertThat(Json.MAPPER.readTree(file().toFile()).get("journal").asLong()).isEqualTo(2);
        }
    }

    @Test
    void shouldRestoreFromTheOldSnapshotAndBothJournals_WhenACompactionStoppedBeforeItsRename() throws Exception {
        Path saved = Files.createDirectory(dir.resolve("saved"));
        PersistedEmulator.State before;
        try (PersistedEmulator emulator = PersistedEmulator.open(file())) {
            new ChangeScript(emulator.model, 5).run(100);
            emulator.persistence.compactNow();
            new ChangeScript(emulator.model, 6).run(100);
            Files.copy(file(), saved.resolve("emulator.json"));
            Files.copy(journal(2), saved.resolve("emulator.json.journal.000002"));
            emulator.persistence.compactNow();
            new ChangeScript(emulator.model, 7).run(100);
            before = emulator.state();
        }
        // as if the process died after the rotation to journal 3 and before the new snapshot's rename
        Files.copy(saved.resolve("emulator.json"), file(), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(saved.resolve("emulator.json.journal.000002"), journal(2));

        try (PersistedEmulator restored = PersistedEmulator.open(file())) {
            assertThat(restored.state()).isEqualTo(before);
        }
    }

    @Test
    void shouldIgnoreATornLastLineWithAWarning_WhenTheProcessStoppedWhileWritingIt() throws Exception {
        PersistedEmulator.State before;
        try (PersistedEmulator emulator = PersistedEmulator.open(file())) {
            new ChangeScript(emulator.model, 3).run(100);
            before = emulator.state();
        }
        String userLine = Files.readAllLines(journal(1)).stream().filter(l -> l.startsWith("{\"op\":\"user\""))
                .findFirst().orElseThrow();
        String torn = userLine.substring(0, userLine.length() / 2);
        Files.writeString(journal(1), torn, StandardOpenOption.APPEND);

        String log = standardError(() -> {
            try (PersistedEmulator restored = PersistedEmulator.open(file())) {
                assertThat(restored.state()).isEqualTo(before);
            }
            return null;
        });

        assertThat(log).contains("WARN").contains("Ignored the last " + torn.length() + " bytes of " + journal(1))
                .contains("an incomplete last line");
        assertThat(replayAlone(journal(1)).ignoredBytes()).isEqualTo(torn.length());
    }

    @Test
    void shouldIgnoreAChangeWithoutItsCommit_WhenTheProcessStoppedBetweenItsLines() throws Exception {
        PersistedEmulator.State before;
        try (PersistedEmulator emulator = PersistedEmulator.open(file())) {
            new ChangeScript(emulator.model, 4).run(100);
            before = emulator.state();
        }
        List<String> lines = Files.readAllLines(journal(1));
        String uncommitted = lines.get(lines.size() - 3) + "\n" + lines.get(lines.size() - 2) + "\n";
        Files.writeString(journal(1), uncommitted, StandardOpenOption.APPEND);

        String log = standardError(() -> {
            try (PersistedEmulator restored = PersistedEmulator.open(file())) {
                assertThat(restored.state()).isEqualTo(before);
            }
            return null;
        });

        assertThat(log).contains("a change without its commit");
    }

    @Test
    void shouldBuildTheNextJournalOnTheSamePrefix_WhenAJournalEndedTorn() throws Exception {
        try (PersistedEmulator emulator = PersistedEmulator.open(file())) {
            new ChangeScript(emulator.model, 8).run(100);
        }
        Files.writeString(journal(1), "{\"op\":\"user\",\"user\":{\"id\":\"direc", StandardOpenOption.APPEND);
        PersistedEmulator.State before;
        try (PersistedEmulator emulator = PersistedEmulator.open(file())) {
            new ChangeScript(emulator.model, 9).run(100);
            before = emulator.state();
        }

        try (PersistedEmulator restored = PersistedEmulator.open(file())) {
            assertThat(journals()).containsExactly("emulator.json.journal.000001", "emulator.json.journal.000002",
                    "emulator.json.journal.000003");
            assertThat(restored.state()).isEqualTo(before);
        }
    }

    @Test
    void shouldLoadAFileOfTheFirstFormat_WhenAnOlderEmulatorWroteIt() throws Exception {
        PersistedEmulator.State before;
        try (PersistedEmulator emulator = PersistedEmulator.open(dir.resolve("source.json"))) {
            new ChangeScript(emulator.model, 11).run(200);
            before = emulator.state();
            writeFirstFormat(emulator, file());
        }

        PersistedEmulator.State after;
        try (PersistedEmulator restored = PersistedEmulator.open(file())) {
            assertThat(restored.state()).isEqualTo(before);
            new ChangeScript(restored.model, 12).run(50);
            after = restored.state();
        }
        try (PersistedEmulator restored = PersistedEmulator.open(file())) {
            assertThat(restored.state()).isEqualTo(after);
        }
    }

    @Test
    void shouldRefuseToStart_WhenAJournalIsMissingBetweenTheSnapshotAndALaterOne() throws Exception {
        try (PersistedEmulator emulator = PersistedEmulator.open(file())) {
            new ChangeScript(emulator.model, 13).run(20);
        }
        try (PersistedEmulator emulator = PersistedEmulator.open(file())) {
            new ChangeScript(emulator.model, 14).run(20);
        }
        Files.delete(journal(1));

        assertThatThrownBy(() -> PersistedEmulator.open(file())).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("restoring the emulator state from " + file())
                .hasRootCauseMessage("journal " + journal(1) + " is missing before " + journal(2)
                        + ": the snapshot and journals do not belong together (remove them all to start empty)");
    }

    @Test
    void shouldRefuseChangesButKeepServingReads_WhenTheJournalCannotBeWritten() throws Exception {
        PersistedEmulator.State before;
        try (PersistedEmulator emulator = PersistedEmulator.open(file())) {
            new ChangeScript(emulator.model, 15).run(20);
            before = emulator.state();
            Files.writeString(journal(2), "in the way"); // the switch to journal 2 cannot create it
            emulator.persistence.compactNow();

            String directory = emulator.model.directoryList().get(0).id();
            assertThatThrownBy(() -> emulator.model.createUser(directory, ChangeScript.attributes("late@example.com", true)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("the emulator no longer persists changes: ");
            assertThat(emulator.state()).isEqualTo(before);
        }
        Files.delete(journal(2));

        try (PersistedEmulator restored = PersistedEmulator.open(file())) {
            assertThat(restored.state()).isEqualTo(before);
        }
    }

    @Test
    void shouldRefuseChanges_WhenClosed() {
        PersistedEmulator emulator = PersistedEmulator.open(file());
        String organization = emulator.model.createOrganization("Closed").id();
        emulator.close();

        assertThatThrownBy(() -> emulator.model.createDirectory(organization, "Too late"))
                .isInstanceOf(IllegalStateException.class).hasMessage("the emulator is closed");
    }

    private Path file() {
        return dir.resolve("emulator.json");
    }

    private Path journal(long generation) {
        return dir.resolve(String.format("emulator.json.journal.%06d", generation));
    }

    private List<String> journals() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("emulator.json.journal."))
                    .sorted().toList();
        }
    }

    /** Replays a first journal into a fresh, unpersisted model (it starts from the empty state). */
    private static JournalReader.Result replayAlone(Path journal) throws IOException {
        IdGenerator ids = new IdGenerator(Clock.systemUTC(), 1);
        EventLog events = new EventLog(ids);
        return JournalReader.replay(journal, new EmulatorModel(ids, Clock.systemUTC(), events, true), events);
    }

    /** The file the first emulators saved: the model and the rendered events, in one document. */
    private static void writeFirstFormat(PersistedEmulator emulator, Path file) throws IOException {
        ObjectNode root = Json.object();
        root.set("model", Json.MAPPER.valueToTree(emulator.model.export()));
        ArrayNode array = root.putArray("events");
        emulator.events.renderAll().forEach(array::add);
        Json.MAPPER.writeValue(file.toFile(), root);
    }

    /** What {@code action} logs (slf4j-simple writes to the standard error stream of the moment). */
    private static String standardError(Callable<?> action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.call();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
