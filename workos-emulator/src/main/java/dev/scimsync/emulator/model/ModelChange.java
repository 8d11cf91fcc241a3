package dev.scimsync.emulator.model;

/**
 * A change the model made, in the words of the WorkOS event it becomes. Changes hold immutable
 * versions, so an event can be rendered later (on read) exactly as it was at emit time.
 */
public interface ModelChange {

    String eventType();

    /** {@code dsync.user.created} / {@code dsync.user.deleted}. */
    record UserChange(String eventType, DirectoryUser user) implements ModelChange {
    }

    /** {@code dsync.user.updated}; {@code before} yields {@code previous_attributes}. */
    record UserUpdated(DirectoryUser before, DirectoryUser after) implements ModelChange {
        @Override
        public String eventType() {
            return "dsync.user.updated";
        }
    }

    /** {@code dsync.group.created} / {@code dsync.group.deleted}. */
    record GroupChange(String eventType, DirectoryGroup group) implements ModelChange {
    }

    /** {@code dsync.group.updated}. */
    record GroupUpdated(DirectoryGroup before, DirectoryGroup after) implements ModelChange {
        @Override
        public String eventType() {
            return "dsync.group.updated";
        }
    }

    /** {@code dsync.group.user_added} / {@code dsync.group.user_removed}. */
    record MembershipChange(String eventType, DirectoryUser user, DirectoryGroup group) implements ModelChange {
    }

    /** {@code dsync.activated} / {@code dsync.deleted}. */
    record DirectoryChange(String eventType, Directory directory, String state) implements ModelChange {
    }
}
