package dev.scimsync.emulator.model;

import dev.scimsync.emulator.ids.IdGenerator;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The emulator's in-memory WorkOS state, thread-safe behind one lock. Every change is reported
 * to the {@link EventSink} while the lock is held, so events are numbered in change order, and,
 * when persisted, handed to the {@link ModelJournal} in the same order; a change returns once the
 * journal has it.
 *
 * <p>The HTTP layers and in-process tests use this class; it knows nothing about HTTP.
 */
public final class EmulatorModel {

    private final Object lock = new Object();
    private final ModelState state;
    private final DirectoryCommands directoryCommands;
    private final UserCommands userCommands;
    private final GroupCommands groupCommands;
    private final Seeder seeder;
    private final ModelQueries queries;
    private ModelJournal journal = ModelJournal.NONE; // guarded by lock

    public EmulatorModel(IdGenerator ids, Clock clock, EventSink sink, boolean deactivateDeletes) {
        this.state = new ModelState(ids, clock, sink);
        this.directoryCommands = new DirectoryCommands(state);
        this.userCommands = new UserCommands(state, deactivateDeletes);
        this.groupCommands = new GroupCommands(state);
        this.seeder = new Seeder(state);
        this.queries = new ModelQueries(state);
    }

    /** From now on every change goes to {@code journal} (set once persisted state is restored). */
    public void journalTo(ModelJournal value) {
        locked(() -> journal = value);
    }

    // --- organizations and directories

    public Organization createOrganization(String name) {
        return write(() -> directoryCommands.createOrganization(name));
    }

    public List<Organization> organizations() {
        return read(() -> new ArrayList<>(state.organizations.values()));
    }

    public Directory createDirectory(String organizationId, String name) {
        return write(() -> directoryCommands.createDirectory(organizationId, name));
    }

    public void deleteDirectory(String directoryId) {
        write(() -> {
            directoryCommands.deleteDirectory(directoryId);
            return null;
        });
    }

    public Optional<Directory> directory(String directoryId) {
        return read(() -> Optional.ofNullable(state.directories.get(directoryId)).map(DirectoryData::directory));
    }

    public List<Directory> directoryList() {
        return read(() -> state.directories.values().stream().map(DirectoryData::directory).toList());
    }

    public Page<Directory> directories(String organizationId, PageRequest request) {
        return read(() -> queries.directories(organizationId, request));
    }

    // --- users

    public DirectoryUser createUser(String directoryId, UserAttributes attributes) {
        return write(() -> userCommands.create(directoryId, attributes));
    }

    /** Replaces the IdP-controlled attributes (SCIM PUT); see {@link #updateUser(String, String, UnaryOperator)}. */
    public UserUpdate updateUser(String directoryId, String userId, UserAttributes attributes) {
        return updateUser(directoryId, userId, current -> attributes);
    }

    /**
     * Changes a user atomically: {@code change} maps the current attributes to the new ones under
     * the model lock (SCIM PATCH). No change: no event. Deactivation deletes the user when the
     * emulator runs with {@code deactivateDeletes}.
     */
    public UserUpdate updateUser(String directoryId, String userId, UnaryOperator<UserAttributes> change) {
        return write(() -> userCommands.update(directoryId, userId, change));
    }

    public void deleteUser(String directoryId, String userId) {
        write(() -> {
            userCommands.delete(directoryId, userId);
            return null;
        });
    }

    public DirectoryUser user(String directoryId, String userId) {
        return read(() -> state.directory(directoryId).user(userId));
    }

    public Optional<DirectoryUser> userByUserName(String directoryId, String userName) {
        return read(() -> state.directory(directoryId).userByUserName(userName));
    }

    public List<DirectoryUser> userSlice(String directoryId, int offset, int count) {
        return read(() -> queries.userSlice(directoryId, offset, count));
    }

    public int userCount(String directoryId) {
        return read(() -> state.directory(directoryId).users().size());
    }

    public Optional<DirectoryUserView> findUser(String userId) {
        return read(() -> queries.user(userId));
    }

    /** Users of a directory, or members of a group when {@code groupId} is given. */
    public Page<DirectoryUserView> users(String directoryId, String groupId, PageRequest request) {
        return users(directoryId, groupId, null, null, request);
    }

    /** As {@link #users(String, String, PageRequest)}, narrowed by email and/or IdP id when not null. */
    public Page<DirectoryUserView> users(String directoryId, String groupId, String email, String idpId,
                                         PageRequest request) {
        return read(() -> queries.users(directoryId, groupId, email, idpId, request));
    }

    // --- groups

    public DirectoryGroup createGroup(String directoryId, String idpId, String name, Collection<String> memberIds) {
        return write(() -> groupCommands.create(directoryId, idpId, name, memberIds));
    }

    public DirectoryGroup renameGroup(String directoryId, String groupId, String name) {
        return write(() -> groupCommands.rename(directoryId, groupId, name));
    }

    public void addMembers(String directoryId, String groupId, Collection<String> userIds) {
        write(() -> {
            groupCommands.addMembers(directoryId, groupId, userIds);
            return null;
        });
    }

    public void removeMembers(String directoryId, String groupId, Collection<String> userIds) {
        write(() -> {
            groupCommands.removeMembers(directoryId, groupId, userIds);
            return null;
        });
    }

    public void replaceMembers(String directoryId, String groupId, Collection<String> userIds) {
        write(() -> {
            groupCommands.replaceMembers(directoryId, groupId, userIds);
            return null;
        });
    }

    public void deleteGroup(String directoryId, String groupId) {
        write(() -> {
            groupCommands.delete(directoryId, groupId);
            return null;
        });
    }

    public DirectoryGroup group(String directoryId, String groupId) {
        return read(() -> state.directory(directoryId).group(groupId));
    }

    public List<DirectoryGroup> groupSlice(String directoryId, int offset, int count) {
        return read(() -> queries.groupSlice(directoryId, offset, count));
    }

    public int groupCount(String directoryId) {
        return read(() -> state.directory(directoryId).groups().size());
    }

    public List<String> memberIds(String directoryId, String groupId) {
        return read(() -> queries.memberIds(directoryId, groupId));
    }

    public Optional<DirectoryGroup> findGroup(String groupId) {
        return read(() -> queries.group(groupId));
    }

    /** Groups of a directory, or the groups of a user when {@code userId} is given. */
    public Page<DirectoryGroup> groups(String directoryId, String userId, PageRequest request) {
        return read(() -> queries.groups(directoryId, userId, request));
    }

    // --- bulk operations for demos, tests and benchmarks

    public SeedResult seed(String directoryId, SeedRequest request) {
        return write(() -> seeder.seed(directoryId, request));
    }

    /** Removes the {@code count} oldest users; without events this is drift only a resync finds. */
    public List<String> drop(String directoryId, int count, boolean emitEvents) {
        return write(() -> seeder.drop(directoryId, count, emitEvents));
    }

    public DirectorySnapshot snapshot(String directoryId) {
        return read(() -> queries.snapshot(directoryId));
    }

    // --- persistence

    public PersistedModel export() {
        return read(() -> ModelPersistence.export(state));
    }

    /**
     * The state as of one instant together with what {@code sameInstant} returns, computed under
     * the model lock before any later change: a snapshot and the journal position it covers.
     */
    public <T> T exportWith(Function<PersistedModel, T> sameInstant) {
        return locked(() -> sameInstant.apply(ModelPersistence.export(state)));
    }

    /** Replaces the state with a persisted one, without emitting events or journaling. */
    public void restore(PersistedModel persisted) {
        locked(() -> {
            ModelPersistence.restore(state, persisted);
            return null;
        });
    }

    /** Applies journaled mutations, without emitting events or journaling them again. */
    public void replay(List<ModelMutation> mutations) {
        locked(() -> {
            mutations.forEach(mutation -> ModelPersistence.replay(state, mutation));
            return null;
        });
    }

    private <T> T read(Supplier<T> operation) {
        return locked(operation);
    }

    private <T> T locked(Supplier<T> operation) {
        synchronized (lock) {
            return operation.get();
        }
    }

    private <T> T write(Supplier<T> operation) {
        T result;
        ModelJournal.Pending pending;
        synchronized (lock) {
            journal.checkWritable();
            boolean recording = journal != ModelJournal.NONE;
            if (recording) {
                state.recorder.begin();
            }
            try {
                result = operation.get();
            } finally {
                // a change that failed half-way is journaled as far as it got, like the memory holds it
                pending = journal.append(recording ? state.recorder.end() : List.of());
            }
        }
        // outside the lock: the journal writes changes in groups while the next ones are made
        pending.await();
        return result;
    }
}
