package dev.scimsync.writer.db;

import java.util.Collections;

/**
 * Every statement the writer runs, as text, in one place so that it can be unit-tested as text. Version
 * guards compare {@code (version_at, version_event_id)} as a row: a write changes a row only when its
 * version is strictly newer, so a replay or a redelivery leaves every row (and every tuple) untouched.
 * Timestamps written here come from the records' versions, never from {@code now()}, so that a rebuild
 * produces the same bytes.
 *
 * <p>Parameter order is given on each method; {@code ChangeStatements} follows it.
 */
public final class PostgresDialect {

    private static final String NEWER = "(excluded.version_at, excluded.version_event_id) > (t.version_at, t.version_event_id)";

    private static final String MEMBER_COLUMNS = "organization_id, directory_user_id, source, directory_id, idp_id, email, "
            + "first_name, last_name, state, roles, custom_attributes, version_at, version_event_id, "
            + "created_at, updated_at, removed_at";

    /** The partial unique index {@code members_directory_user_key}, named the only way ON CONFLICT can name it. */
    static final String MEMBER_CONFLICT_TARGET =
            "ON CONFLICT (organization_id, directory_user_id) WHERE directory_user_id IS NOT NULL";

    private static final String ORGANIZATION_CONFLICT = "ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at "
            + "WHERE excluded.created_at < t.created_at";

    private static final String MEMBER_UPSERT = MEMBER_CONFLICT_TARGET + " DO UPDATE SET "
            + "directory_id = excluded.directory_id, idp_id = excluded.idp_id, email = excluded.email, "
            + "first_name = excluded.first_name, last_name = excluded.last_name, state = excluded.state, "
            + "roles = excluded.roles, custom_attributes = excluded.custom_attributes, "
            + "version_at = excluded.version_at, version_event_id = excluded.version_event_id, "
            + "updated_at = excluded.updated_at, removed_at = NULL "
            + "WHERE " + NEWER;

    private static final String MEMBER_REMOVE = MEMBER_CONFLICT_TARGET + " DO UPDATE SET "
            + "version_at = excluded.version_at, version_event_id = excluded.version_event_id, "
            + "updated_at = excluded.updated_at, removed_at = COALESCE(t.removed_at, excluded.removed_at) "
            + "WHERE " + NEWER + " AND t.id IS DISTINCT FROM "
            + "(SELECT o.primary_owner_member_id FROM organizations o WHERE o.id = t.organization_id)";

    /** The rows of a multi-row member statement: one per array element, arrays of equal length. */
    private static final String MEMBER_ROWS = "unnest(" + arrays("text", 10) + ", CAST(? AS timestamptz[]), CAST(? AS text[])) "
            + "AS v(organization_id, directory_user_id, directory_id, idp_id, email, first_name, last_name, state, "
            + "roles, custom_attributes, version_at, version_event_id)";

    private static final String MEMBER_RETURNING = " RETURNING t.organization_id, t.directory_user_id";

    private static final String GROUP_COLUMNS = "organization_id, directory_group_id, directory_id, idp_id, name, "
            + "version_at, version_event_id, created_at, updated_at, removed_at";

    private static final String GROUP_UPSERT = "ON CONFLICT (organization_id, directory_group_id) DO UPDATE SET "
            + "directory_id = excluded.directory_id, idp_id = excluded.idp_id, name = excluded.name, "
            + "version_at = excluded.version_at, version_event_id = excluded.version_event_id, "
            + "updated_at = excluded.updated_at, removed_at = NULL "
            + "WHERE " + NEWER;

    private static final String GROUP_REMOVE = "ON CONFLICT (organization_id, directory_group_id) DO UPDATE SET "
            + "version_at = excluded.version_at, version_event_id = excluded.version_event_id, "
            + "updated_at = excluded.updated_at, removed_at = COALESCE(t.removed_at, excluded.removed_at) "
            + "WHERE " + NEWER;

    private static final String GROUP_ROWS = "unnest(" + arrays("text", 5) + ", CAST(? AS timestamptz[]), CAST(? AS text[])) "
            + "AS v(organization_id, directory_group_id, directory_id, idp_id, name, version_at, version_event_id)";

    private static final String GROUP_RETURNING = " RETURNING t.organization_id, t.directory_group_id";

    private static final String MEMBERSHIP_RETURNING = " RETURNING t.organization_id, t.directory_group_id, t.directory_user_id";

    /**
     * Creates the organization on first sight; {@code created_at} only moves back, so that it is the earliest
     * version seen whatever the batch boundaries were. Parameters: id, created_at.
     */
    public String ensureOrganization() {
        return "INSERT INTO organizations AS t (id, provisioning_mode, created_at, updated_at) "
                + "VALUES (?, 'scim', ?, ?) " + ORGANIZATION_CONFLICT;
    }

    /**
     * {@link #ensureOrganization()} for many organizations at once, ids distinct, rows written in array order
     * (the caller sorts them: a fixed lock order). Parameters: arrays of id, created_at (timestamptz).
     */
    public String ensureOrganizations() {
        return "INSERT INTO organizations AS t (id, provisioning_mode, created_at, updated_at) "
                + "SELECT o.id, 'scim', o.created_at, o.created_at "
                + "FROM unnest(CAST(? AS text[]), CAST(? AS timestamptz[])) WITH ORDINALITY AS o(id, created_at, n) "
                + "ORDER BY o.n " + ORGANIZATION_CONFLICT;
    }

    /**
     * Inserts or updates a directory member and restores it if it was removed. Parameters: organization_id,
     * directory_user_id, directory_id, idp_id, email, first_name, last_name, state, roles (JSON text),
     * custom_attributes (JSON text), version_at, version_event_id.
     */
    public String upsertMember() {
        return "INSERT INTO members AS t (" + MEMBER_COLUMNS + ") "
                + "VALUES (?, ?, 'directory', ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?, ?, ?, ?, NULL) "
                + MEMBER_UPSERT;
    }

    /**
     * {@link #upsertMember()} for many members at once: one row per array element, keys distinct (ON CONFLICT
     * cannot touch a row twice in one statement). Returns the keys of the rows written. Parameters: arrays of
     * organization_id, directory_user_id, directory_id, idp_id, email, first_name, last_name, state, roles
     * (JSON text), custom_attributes (JSON text), version_at (timestamptz), version_event_id.
     */
    public String upsertMembers() {
        return "INSERT INTO members AS t (" + MEMBER_COLUMNS + ") "
                + "SELECT " + memberRow("NULL") + " FROM " + MEMBER_ROWS + " " + MEMBER_UPSERT + MEMBER_RETURNING;
    }

    /**
     * Soft-deletes a directory member (keeps the first removal time, never touches the Primary Owner). A removal
     * of a member never seen is stored as a removed row, so that an older update arriving later stays stale.
     * Parameters: as {@link #upsertMember()}.
     */
    public String removeMember() {
        return "INSERT INTO members AS t (" + MEMBER_COLUMNS + ") "
                + "VALUES (?, ?, 'directory', ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?, ?, ?, ?, ?) "
                + MEMBER_REMOVE;
    }

    /** {@link #removeMember()} for many members at once. Parameters and result: as {@link #upsertMembers()}. */
    public String removeMembers() {
        return "INSERT INTO members AS t (" + MEMBER_COLUMNS + ") "
                + "SELECT " + memberRow("v.version_at") + " FROM " + MEMBER_ROWS + " " + MEMBER_REMOVE + MEMBER_RETURNING;
    }

    /**
     * Inserts or updates a group and restores it if it was removed. Parameters: organization_id,
     * directory_group_id, directory_id, idp_id, name, version_at, version_event_id.
     */
    public String upsertGroup() {
        return "INSERT INTO groups AS t (" + GROUP_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) " + GROUP_UPSERT;
    }

    /**
     * {@link #upsertGroup()} for many groups at once, keys distinct. Returns the keys of the rows written.
     * Parameters: arrays of organization_id, directory_group_id, directory_id, idp_id, name, version_at
     * (timestamptz), version_event_id.
     */
    public String upsertGroups() {
        return "INSERT INTO groups AS t (" + GROUP_COLUMNS + ") SELECT " + groupRow("NULL") + " FROM " + GROUP_ROWS + " "
                + GROUP_UPSERT + GROUP_RETURNING;
    }

    /** Soft-deletes a group. Parameters: as {@link #upsertGroup()}. */
    public String removeGroup() {
        return "INSERT INTO groups AS t (" + GROUP_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) " + GROUP_REMOVE;
    }

    /** {@link #removeGroup()} for many groups at once. Parameters and result: as {@link #upsertGroups()}. */
    public String removeGroups() {
        return "INSERT INTO groups AS t (" + GROUP_COLUMNS + ") SELECT " + groupRow("v.version_at") + " FROM " + GROUP_ROWS + " "
                + GROUP_REMOVE + GROUP_RETURNING;
    }

    private static String memberRow(String removedAt) {
        return "v.organization_id, v.directory_user_id, 'directory', v.directory_id, v.idp_id, v.email, v.first_name, "
                + "v.last_name, v.state, CAST(v.roles AS jsonb), CAST(v.custom_attributes AS jsonb), v.version_at, "
                + "v.version_event_id, v.version_at, v.version_at, " + removedAt;
    }

    private static String groupRow(String removedAt) {
        return "v.organization_id, v.directory_group_id, v.directory_id, v.idp_id, v.name, v.version_at, "
                + "v.version_event_id, v.version_at, v.version_at, " + removedAt;
    }

    private static String arrays(String type, int count) {
        return String.join(", ", Collections.nCopies(count, "CAST(? AS " + type + "[])"));
    }

    private static String membershipValues() {
        return "WITH v (organization_id, directory_group_id, directory_user_id, directory_id, version_at, version_event_id) "
                + "AS (VALUES (?, ?, ?, ?, CAST(? AS timestamptz), ?)), ";
    }

    /** The rows of a multi-row membership statement: one per array element, keys distinct. */
    private static String membershipRows() {
        return "WITH v AS (SELECT * FROM unnest(" + arrays("text", 4) + ", CAST(? AS timestamptz[]), CAST(? AS text[])) "
                + "AS u(organization_id, directory_group_id, directory_user_id, directory_id, version_at, version_event_id)), ";
    }

    private static String sameMembership(String alias) {
        return alias + ".organization_id = v.organization_id AND " + alias + ".directory_group_id = v.directory_group_id AND "
                + alias + ".directory_user_id = v.directory_user_id";
    }

    /**
     * Adds a membership unless a newer removal is recorded, and drops older removal records. The key is then
     * in {@code group_memberships} or in {@code group_membership_removals}, never both. The update count is
     * the INSERT's: 1 when the membership row was written. Parameters: organization_id, directory_group_id,
     * directory_user_id, directory_id, version_at, version_event_id.
     */
    public String addMembership() {
        return membershipValues() + addMembershipFromV();
    }

    /**
     * {@link #addMembership()} for many memberships at once, keys distinct. Returns the keys of the membership
     * rows written. Parameters: arrays of organization_id, directory_group_id, directory_user_id, directory_id,
     * version_at (timestamptz), version_event_id.
     */
    public String addMemberships() {
        return membershipRows() + addMembershipFromV() + MEMBERSHIP_RETURNING;
    }

    private static String addMembershipFromV() {
        return "cleared AS (DELETE FROM group_membership_removals r USING v WHERE " + sameMembership("r")
                + " AND (r.version_at, r.version_event_id) < (v.version_at, v.version_event_id)) "
                + "INSERT INTO group_memberships AS t (organization_id, directory_group_id, directory_user_id, directory_id, "
                + "version_at, version_event_id, created_at, updated_at) "
                + "SELECT v.organization_id, v.directory_group_id, v.directory_user_id, v.directory_id, "
                + "v.version_at, v.version_event_id, v.version_at, v.version_at FROM v "
                + "WHERE NOT EXISTS (SELECT 1 FROM group_membership_removals r WHERE " + sameMembership("r")
                + " AND (r.version_at, r.version_event_id) >= (v.version_at, v.version_event_id)) "
                + "ON CONFLICT (organization_id, directory_group_id, directory_user_id) DO UPDATE SET "
                + "directory_id = excluded.directory_id, version_at = excluded.version_at, "
                + "version_event_id = excluded.version_event_id, updated_at = excluded.updated_at "
                + "WHERE " + NEWER;
    }

    /**
     * Ends a membership: deletes the row when the removal is newer and records the removal's version. The
     * update count is 1 when the removal record was written. Parameters: as {@link #addMembership()}.
     */
    public String removeMembership() {
        return membershipValues() + removeMembershipFromV();
    }

    /**
     * {@link #removeMembership()} for many memberships at once. Returns the keys of the removal records
     * written. Parameters: as {@link #addMemberships()}.
     */
    public String removeMemberships() {
        return membershipRows() + removeMembershipFromV() + MEMBERSHIP_RETURNING;
    }

    private static String removeMembershipFromV() {
        return "ended AS (DELETE FROM group_memberships m USING v WHERE " + sameMembership("m")
                + " AND (m.version_at, m.version_event_id) < (v.version_at, v.version_event_id)) "
                + "INSERT INTO group_membership_removals AS t (organization_id, directory_group_id, directory_user_id, "
                + "directory_id, version_at, version_event_id, removed_at) "
                + "SELECT v.organization_id, v.directory_group_id, v.directory_user_id, v.directory_id, "
                + "v.version_at, v.version_event_id, v.version_at FROM v "
                + "WHERE NOT EXISTS (SELECT 1 FROM group_memberships m WHERE " + sameMembership("m")
                + " AND (m.version_at, m.version_event_id) >= (v.version_at, v.version_event_id)) "
                + "ON CONFLICT (organization_id, directory_group_id, directory_user_id) DO UPDATE SET "
                + "directory_id = COALESCE(excluded.directory_id, t.directory_id), version_at = excluded.version_at, "
                + "version_event_id = excluded.version_event_id, removed_at = excluded.removed_at "
                + "WHERE " + NEWER;
    }

    /**
     * The stream processor's view of an organization, from the status topic. Applied when its last event is
     * not older than the stored one and something differs. Parameters: organization_id, last_event_id,
     * last_event_created_at, last_applied_at, processor_members, processor_groups, processor_memberships,
     * last_resync_id, last_resync_state, last_resync_at.
     */
    public String upsertProcessorStatus() {
        return "INSERT INTO sync_status AS t (organization_id, last_event_id, last_event_created_at, last_applied_at, "
                + "processor_members, processor_groups, processor_memberships, last_resync_id, last_resync_state, last_resync_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (organization_id) DO UPDATE SET "
                + "last_event_id = excluded.last_event_id, last_event_created_at = excluded.last_event_created_at, "
                + "last_applied_at = excluded.last_applied_at, processor_members = excluded.processor_members, "
                + "processor_groups = excluded.processor_groups, processor_memberships = excluded.processor_memberships, "
                + "last_resync_id = excluded.last_resync_id, last_resync_state = excluded.last_resync_state, "
                + "last_resync_at = CASE WHEN (t.last_resync_id, t.last_resync_state) IS NOT DISTINCT FROM "
                + "(excluded.last_resync_id, excluded.last_resync_state) THEN t.last_resync_at ELSE excluded.last_resync_at END "
                + "WHERE (COALESCE(excluded.last_event_created_at, '-infinity'), COALESCE(excluded.last_event_id, '')) "
                + ">= (COALESCE(t.last_event_created_at, '-infinity'), COALESCE(t.last_event_id, '')) "
                + "AND (t.last_event_id, t.last_event_created_at, t.last_applied_at, t.processor_members, t.processor_groups, "
                + "t.processor_memberships, t.last_resync_id, t.last_resync_state) IS DISTINCT FROM "
                + "(excluded.last_event_id, excluded.last_event_created_at, excluded.last_applied_at, excluded.processor_members, "
                + "excluded.processor_groups, excluded.processor_memberships, excluded.last_resync_id, excluded.last_resync_state)";
    }

    /**
     * A resync seen on the status topic. A finished run (any state but running or held) is never changed
     * again, so replaying old statuses cannot reopen it. Parameters: id, organization_id, state, started_at,
     * finished_at, members, groups, memberships.
     */
    public String upsertResyncRun() {
        return "INSERT INTO sync_runs AS t (id, organization_id, kind, state, started_at, finished_at, members, groups, memberships) "
                + "VALUES (?, ?, 'resync', ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (id) DO UPDATE SET state = excluded.state, finished_at = excluded.finished_at, "
                + "members = excluded.members, groups = excluded.groups, memberships = excluded.memberships "
                + "WHERE t.state IN ('running', 'held') AND t.state IS DISTINCT FROM excluded.state";
    }

    /**
     * Recounts the present members, groups and memberships of the given organizations and stores the counts
     * where they changed. Parameter: a text[] of organization ids.
     */
    public String refreshCounts() {
        return "INSERT INTO sync_status AS t (organization_id, members, groups, memberships) "
                + "SELECT o.id, "
                + "(SELECT count(*) FROM members m WHERE m.organization_id = o.id AND m.source = 'directory' AND m.removed_at IS NULL), "
                + "(SELECT count(*) FROM groups g WHERE g.organization_id = o.id AND g.removed_at IS NULL), "
                + "(SELECT count(*) FROM group_memberships gm WHERE gm.organization_id = o.id) "
                + "FROM unnest(CAST(? AS text[])) AS o(id) "
                + "ON CONFLICT (organization_id) DO UPDATE SET members = excluded.members, groups = excluded.groups, "
                + "memberships = excluded.memberships "
                + "WHERE (t.members, t.groups, t.memberships) IS DISTINCT FROM (excluded.members, excluded.groups, excluded.memberships)";
    }

    /** The directory user ids of the Primary Owners of the given organizations. Parameter: a text[] of ids. */
    public String selectPrimaryOwners() {
        return "SELECT o.id, m.directory_user_id FROM organizations o JOIN members m ON m.id = o.primary_owner_member_id "
                + "WHERE o.id = ANY (CAST(? AS text[])) AND m.directory_user_id IS NOT NULL";
    }

    /** Parameters: consumer_group, a text[] of topics. Columns: topic, partition, next_offset. */
    public String selectOffsets() {
        return "SELECT topic, partition, next_offset FROM writer_offsets WHERE consumer_group = ? AND topic = ANY (CAST(? AS text[]))";
    }

    /**
     * Moves a stored offset only from the value this writer last read or wrote: another writer that took the
     * partition over makes this update count 0 and fences this one. Parameters: next_offset, consumer_group,
     * topic, partition, expected next_offset.
     */
    public String advanceOffset() {
        return "UPDATE writer_offsets SET next_offset = ? WHERE consumer_group = ? AND topic = ? AND partition = ? AND next_offset = ?";
    }

    /** The first stored offset of a partition; count 0 when another writer stored one first. Parameters: consumer_group, topic, partition, next_offset. */
    public String insertOffset() {
        return "INSERT INTO writer_offsets (consumer_group, topic, partition, next_offset) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";
    }

    /** Forgets a consumer group's offsets (a replay from the start). Parameter: consumer_group. */
    public String resetOffsets() {
        return "DELETE FROM writer_offsets WHERE consumer_group = ?";
    }
}
