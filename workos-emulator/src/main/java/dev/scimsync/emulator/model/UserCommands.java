package dev.scimsync.emulator.model;

import dev.scimsync.emulator.ids.IdPrefix;

import java.time.Instant;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** Directory user changes as an IdP makes them, each emitting the event WorkOS would. */
final class UserCommands {

    private final ModelState state;
    private final boolean deactivateDeletes;

    UserCommands(ModelState state, boolean deactivateDeletes) {
        this.state = state;
        this.deactivateDeletes = deactivateDeletes;
    }

    DirectoryUser create(String directoryId, UserAttributes attributes) {
        DirectoryData directory = state.directory(directoryId);
        DirectoryCommands.requireText(attributes.userName(), "userName");
        directory.requireUserNameFree(attributes.userName(), null);
        UserAttributes stored = attributes.idpId() == null ? withIdpId(attributes, UUID.randomUUID().toString())
                : attributes;
        Instant now = state.now();
        DirectoryUser user = new DirectoryUser(state.newId(IdPrefix.DIRECTORY_USER), directory.id(),
                directory.organizationId(), stored, now, now);
        directory.putUser(user);
        state.emit(directory, new ModelChange.UserChange(EventTypes.USER_CREATED, user));
        return user;
    }

    /**
     * Applies the IdP's full view of the user. Nothing changed: no event and no new
     * {@code updated_at}. Deactivated while {@code deactivateDeletes}: the user is deleted
     * ({@code dsync.user.deleted} carrying the inactive version), as WorkOS does by default.
     *
     * @param change computes the IdP's new view from the current attributes, under the lock
     */
    UserUpdate update(String directoryId, String userId, UnaryOperator<UserAttributes> change) {
        DirectoryData directory = state.directory(directoryId);
        DirectoryUser before = directory.user(userId);
        UserAttributes attributes = change.apply(before.attributes());
        UserAttributes next = attributes.idpId() == null ? withIdpId(attributes, before.attributes().idpId())
                : attributes;
        if (next.equals(before.attributes())) {
            return new UserUpdate(before, false);
        }
        DirectoryCommands.requireText(next.userName(), "userName");
        directory.requireUserNameFree(next.userName(), userId);
        DirectoryUser after = before.withAttributes(next, state.bumped(before.updatedAt()));
        if (deactivateDeletes && !next.active()) {
            directory.removeUser(userId);
            state.emit(directory, new ModelChange.UserChange(EventTypes.USER_DELETED, after));
            return new UserUpdate(after, true);
        }
        directory.putUser(after);
        state.emit(directory, new ModelChange.UserUpdated(before, after));
        return new UserUpdate(after, false);
    }

    /**
     * Deletes the user and drops their memberships. Only {@code dsync.user.deleted} is emitted,
     * no {@code dsync.group.user_removed}: consumers remove a deleted user's memberships
     * themselves (the same contract as a group delete).
     */
    void delete(String directoryId, String userId) {
        DirectoryData directory = state.directory(directoryId);
        DirectoryUser removed = directory.removeUser(userId);
        state.emit(directory, new ModelChange.UserChange(EventTypes.USER_DELETED, removed));
    }

    private static UserAttributes withIdpId(UserAttributes a, String idpId) {
        return new UserAttributes(idpId, a.userName(), a.firstName(), a.lastName(), a.emails(), a.active());
    }
}
