package dev.scimsync.emulator.model;

import dev.scimsync.emulator.ids.IdGenerator;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.TreeMap;

/** Everything the model holds, shared by the command and query classes under the model lock. */
final class ModelState {

    final TreeMap<String, Organization> organizations = new TreeMap<>();
    final TreeMap<String, DirectoryData> directories = new TreeMap<>();
    final MutationRecorder recorder = new MutationRecorder();
    private final IdGenerator ids;
    private final Clock clock;
    private final EventSink sink;

    ModelState(IdGenerator ids, Clock clock, EventSink sink) {
        this.ids = ids;
        this.clock = clock;
        this.sink = sink;
    }

    void putOrganization(Organization organization) {
        organizations.put(organization.id(), organization);
        recorder.record(new ModelMutation.OrganizationPut(organization));
    }

    DirectoryData putDirectory(Directory directory) {
        DirectoryData data = new DirectoryData(directory, recorder);
        directories.put(directory.id(), data);
        recorder.record(new ModelMutation.DirectoryPut(directory));
        return data;
    }

    DirectoryData removeDirectory(String directoryId) {
        DirectoryData data = directory(directoryId);
        directories.remove(directoryId);
        recorder.record(new ModelMutation.DirectoryRemoved(directoryId));
        return data;
    }

    DirectoryData directory(String directoryId) {
        DirectoryData data = directoryId == null ? null : directories.get(directoryId);
        if (data == null) {
            throw ModelException.notFound("Directory", directoryId);
        }
        return data;
    }

    String newId(String prefix) {
        return ids.next(prefix);
    }

    IdGenerator ids() {
        return ids;
    }

    /** WorkOS timestamps carry milliseconds. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * A new {@code updated_at} strictly after {@code previous}: consumers order versions of an
     * entity by {@code updated_at} first, so two updates within one millisecond must not tie.
     */
    Instant bumped(Instant previous) {
        Instant now = now();
        return now.isAfter(previous) ? now : previous.plusMillis(1);
    }

    void emit(DirectoryData directory, ModelChange change) {
        sink.emit(directory.organizationId(), directory.id(), change);
    }
}
