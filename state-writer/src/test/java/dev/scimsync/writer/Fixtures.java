package dev.scimsync.writer;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.ResyncOutcome;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.core.model.Version;
import dev.scimsync.core.serde.Json;

/** Fluent builders of state-topic values: {@code aMember("org_1", "directory_user_1").at(t(5), "event_5").build()}. */
final class Fixtures {

    static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");

    private Fixtures() {
    }

    /** {@code BASE} plus whole seconds, so versions are easy to order in tests. */
    static Instant t(long seconds) {
        return BASE.plusSeconds(seconds);
    }

    static String eventId(long n) {
        return String.format("event_%08d", n);
    }

    static MemberBuilder aMember(String organizationId, String directoryUserId) {
        return new MemberBuilder(organizationId, directoryUserId);
    }

    static GroupBuilder aGroup(String organizationId, String directoryGroupId) {
        return new GroupBuilder(organizationId, directoryGroupId);
    }

    static MembershipBuilder aMembership(String organizationId, String directoryGroupId, String directoryUserId) {
        return new MembershipBuilder(organizationId, directoryGroupId, directoryUserId);
    }

    static SyncStatus aStatus(String organizationId, long eventNumber, long members, long groups, long memberships,
                              String resyncId, String resyncState) {
        return new SyncStatus(organizationId, eventId(eventNumber), t(eventNumber), t(eventNumber).plusMillis(300),
                members, groups, memberships, resyncId, resyncState, eventNumber, BASE);
    }

    /** The same status with the outcome of its resync's sweep. */
    static SyncStatus withOutcome(SyncStatus s, ResyncOutcome outcome) {
        return new SyncStatus(s.organizationId(), s.lastEventId(), s.lastEventCreatedAt(), s.lastAppliedAt(), s.members(),
                s.groups(), s.memberships(), s.resyncId(), s.resyncState(), s.appliedEvents(), s.countingSince(), outcome,
                s.lastAppliedAt());
    }

    /** The same status carrying the organization's name. */
    static SyncStatus named(SyncStatus s, String name) {
        return new SyncStatus(s.organizationId(), s.lastEventId(), s.lastEventCreatedAt(), s.lastAppliedAt(), s.members(),
                s.groups(), s.memberships(), s.resyncId(), s.resyncState(), s.appliedEvents(), s.countingSince(),
                s.resyncOutcome(), s.resyncChangedAt(), name);
    }

    /** The same status with another count of applied events (the order of status records). */
    static SyncStatus withAppliedEvents(SyncStatus s, long appliedEvents) {
        return new SyncStatus(s.organizationId(), s.lastEventId(), s.lastEventCreatedAt(), s.lastAppliedAt(), s.members(),
                s.groups(), s.memberships(), s.resyncId(), s.resyncState(), appliedEvents, s.countingSince());
    }

    /** The same status from a count started at {@code countingSince} (null: a record from before it existed). */
    static SyncStatus counting(SyncStatus s, Instant countingSince, long appliedEvents) {
        return new SyncStatus(s.organizationId(), s.lastEventId(), s.lastEventCreatedAt(), s.lastAppliedAt(), s.members(),
                s.groups(), s.memberships(), s.resyncId(), s.resyncState(), appliedEvents, countingSince);
    }

    static final class MemberBuilder {
        private final String organizationId;
        private final String directoryUserId;
        private String email;
        private String firstName = "Jane";
        private String lastName = "Doe";
        private String state = "active";
        private JsonNode roles = Json.MAPPER.createArrayNode().add(Json.MAPPER.createObjectNode().put("slug", "member"));
        private JsonNode customAttributes = Json.MAPPER.createObjectNode().put("department", "Engineering");
        private Version version = new Version(t(1), eventId(1));
        private boolean removed;

        MemberBuilder(String organizationId, String directoryUserId) {
            this.organizationId = organizationId;
            this.directoryUserId = directoryUserId;
            this.email = directoryUserId + "@example.com";
        }

        MemberBuilder at(long eventNumber) {
            this.version = new Version(t(eventNumber), eventId(eventNumber));
            return this;
        }

        /** As a resync made it: a snapshot item (event id "") or, removed, its sweep. */
        MemberBuilder fromResync(long eventNumber) {
            this.version = removed ? Version.sweep(t(eventNumber), "resync_1") : new Version(t(eventNumber), "");
            return this;
        }

        MemberBuilder withEmail(String value) {
            this.email = value;
            return this;
        }

        MemberBuilder withFirstName(String value) {
            this.firstName = value;
            return this;
        }

        MemberBuilder withState(String value) {
            this.state = value;
            return this;
        }

        MemberBuilder removed() {
            this.removed = true;
            return this;
        }

        Member build() {
            return new Member(organizationId, directoryUserId, "directory_1", "idp_" + directoryUserId, email, firstName,
                    lastName, state, roles, customAttributes, version, version.at().plusMillis(5), removed);
        }
    }

    static final class GroupBuilder {
        private final String organizationId;
        private final String directoryGroupId;
        private String name;
        private Version version = new Version(t(1), eventId(1));
        private boolean removed;

        GroupBuilder(String organizationId, String directoryGroupId) {
            this.organizationId = organizationId;
            this.directoryGroupId = directoryGroupId;
            this.name = "Group " + directoryGroupId;
        }

        GroupBuilder at(long eventNumber) {
            this.version = new Version(t(eventNumber), eventId(eventNumber));
            return this;
        }

        GroupBuilder named(String value) {
            this.name = value;
            return this;
        }

        GroupBuilder removed() {
            this.removed = true;
            return this;
        }

        Group build() {
            return new Group(organizationId, directoryGroupId, "directory_1", "idp_" + directoryGroupId, name, version,
                    version.at().plusMillis(5), removed);
        }
    }

    static final class MembershipBuilder {
        private final String organizationId;
        private final String directoryGroupId;
        private final String directoryUserId;
        private Version version = new Version(t(1), eventId(1));
        private boolean removed;

        MembershipBuilder(String organizationId, String directoryGroupId, String directoryUserId) {
            this.organizationId = organizationId;
            this.directoryGroupId = directoryGroupId;
            this.directoryUserId = directoryUserId;
        }

        MembershipBuilder at(long eventNumber) {
            this.version = new Version(t(eventNumber), eventId(eventNumber));
            return this;
        }

        MembershipBuilder removed() {
            this.removed = true;
            return this;
        }

        Membership build() {
            return new Membership(organizationId, directoryGroupId, directoryUserId, "directory_1", version,
                    version.at().plusMillis(5), removed);
        }
    }
}
