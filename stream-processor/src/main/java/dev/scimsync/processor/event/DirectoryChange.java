package dev.scimsync.processor.event;

import java.time.Instant;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.Version;

/**
 * What one event asks of the directory state, fully parsed and validated before any store is touched. Every
 * change carries the {@code created_at} of its event ({@link #eventCreatedAt}) for the state records it causes.
 */
public sealed interface DirectoryChange {

    String eventId();

    Instant eventCreatedAt();

    /** dsync.user.created / updated, or a resync user: the member as the event has it. */
    record UpsertMember(String eventId, Instant eventCreatedAt, Member member) implements DirectoryChange {
    }

    /**
     * dsync.user.deleted: the member leaves (versioned like an update) and so do its memberships (versioned by
     * event, like membership changes).
     *
     * @param lastKnown the member as the deletion event shows it, for a member the store has never seen
     */
    record RemoveMember(String eventId, Instant eventCreatedAt, Member lastKnown, Version membershipVersion)
            implements DirectoryChange {
    }

    /** dsync.group.created / updated, or a resync group. */
    record UpsertGroup(String eventId, Instant eventCreatedAt, Group group) implements DirectoryChange {
    }

    /** dsync.group.deleted: the group leaves and so do its memberships (WorkOS sends no user_removed for them). */
    record RemoveGroup(String eventId, Instant eventCreatedAt, Group lastKnown, Version membershipVersion)
            implements DirectoryChange {
    }

    /**
     * dsync.group.user_added or a resync membership. The embedded user and group create the member and group
     * when the store has not seen them yet (the membership can arrive before the user).
     */
    record AddMembership(String eventId, Instant eventCreatedAt, Membership membership, Member embeddedUser,
                         Group embeddedGroup) implements DirectoryChange {
    }

    /** dsync.group.user_removed. */
    record RemoveMembership(String eventId, Instant eventCreatedAt, Membership membership) implements DirectoryChange {
    }

    /** dsync.deleted: every member, group and membership of the directory leaves (WorkOS sends nothing else). */
    record RemoveDirectory(String eventId, Instant eventCreatedAt, String organizationId, String directoryId,
                           Version version) implements DirectoryChange {
    }

    /**
     * The begin marker of a resync, committed before its scan started: from here on, what events touch in the
     * organization counts as seen by the resync.
     *
     * @param scope members, groups or both
     */
    record ResyncBegin(String eventId, Instant eventCreatedAt, String organizationId, String resyncId, String scope,
                       boolean dryRun, boolean force, int maxRemovalPercent, int maxRemovalCount,
                       Instant scanStartedAt) implements DirectoryChange {
    }

    /**
     * The end marker of a resync, after its whole snapshot: sweep what it did not see; or, aborted (the scan
     * failed), forget the resync.
     *
     * @param snapshotItems how many items the snapshot has (users + groups + memberships), -1 when not told
     */
    record ResyncEnd(String eventId, Instant eventCreatedAt, String organizationId, String resyncId, boolean aborted,
                     String reason, long snapshotItems) implements DirectoryChange {
    }

    /** An event that changes no entity: dsync.activated, event types this version does not know. */
    record NoChange(String eventId, Instant eventCreatedAt, String eventType) implements DirectoryChange {
    }
}
