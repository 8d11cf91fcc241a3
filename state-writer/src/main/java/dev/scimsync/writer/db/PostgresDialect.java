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

    /** created_at only moves back and updated_at only forward; a row that would not change is not rewritten. */
    private static final String ORGANIZATION_CONFLICT = "ON CONFLICT (id) DO UPDATE SET "
            + "created_at = LEAST(t.created_at, excluded.created_at), updated_at = GREATEST(t.updated_at, excluded.updated_at) "
            + "WHERE excluded.created_at < t.created_at OR excluded.updated_at > t.updated_at";

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

    /*
     * The multi-row statements return, for each row written, its key and how it changed the organization's
     * count of present rows (+1, 0 or -1). A subquery in RETURNING reads the snapshot the statement started
     * with, so it sees the row as it was before this statement (absent if it was inserted); the writer adds
     * these deltas to sync_status instead of recounting. Only a writer that is fenced anyway (another
     * transaction changed the row meanwhile) could see a different row there, and it rolls back.
     */
    private static final String MEMBER_RETURNING = " RETURNING t.organization_id, t.directory_user_id, "
            + "CAST(t.removed_at IS NULL AS integer) - CAST(COALESCE((SELECT b.removed_at IS NULL FROM members b "
            + "WHERE b.id = t.id), false) AS integer) AS present_delta";

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

    private static final String GROUP_RETURNING = " RETURNING t.organization_id, t.directory_group_id, "
            + "CAST(t.removed_at IS NULL AS integer) - CAST(COALESCE((SELECT b.removed_at IS NULL FROM groups b "
            + "WHERE b.organization_id = t.organization_id AND b.directory_group_id = t.directory_group_id), false) "
            + "AS integer) AS present_delta";

    /**
     * Whether the membership row existed before the statement (as seen by a RETURNING subquery). A scalar subquery
     * with {@code LIMIT}, not {@code EXISTS}: PostgreSQL runs an {@code EXISTS} over a few hundred rows as a hashed
     * subplan, a scan and hash of the whole {@code group_memberships} table per statement (45 of the 60 ms a batch
     * of 500 additions took at 100,000 memberships, growing with the table); this stays one index probe per row.
     */
    private static final String MEMBERSHIP_EXISTED = "CAST((SELECT true FROM group_memberships b "
            + "WHERE b.organization_id = t.organization_id AND b.directory_group_id = t.directory_group_id "
            + "AND b.directory_user_id = t.directory_user_id LIMIT 1) IS NOT NULL AS integer)";

    /** A membership row written: present now, so +1 unless it existed. */
    private static final String MEMBERSHIP_ADDED_RETURNING = " RETURNING t.organization_id, t.directory_group_id, "
            + "t.directory_user_id, 1 - " + MEMBERSHIP_EXISTED + " AS present_delta";

    /** A removal record written: the membership row, if there was one, was deleted by the same statement. */
    private static final String MEMBERSHIP_REMOVED_RETURNING = " RETURNING t.organization_id, t.directory_group_id, "
            + "t.directory_user_id, 0 - " + MEMBERSHIP_EXISTED + " AS present_delta";

    /**
     * Creates the organization on first sight; {@code created_at} only moves back and {@code updated_at} only
     * forward, so that they are the earliest and the latest version seen whatever the batch boundaries were.
     * Parameters: id, created_at, updated_at.
     */
    public String ensureOrganization() {
        return "INSERT INTO organizations AS t (id, provisioning_mode, created_at, updated_at) "
                + "VALUES (?, 'scim', ?, ?) " + ORGANIZATION_CONFLICT;
    }

    /**
     * The organization's name as WorkOS has it (from the status topic); a row that has it already is not
     * rewritten. Parameters: name, id, name.
     */
    public String renameOrganization() {
        return "UPDATE organizations SET name = ? WHERE id = ? AND name IS DISTINCT FROM ?";
    }

    /**
     * {@link #ensureOrganization()} for many organizations at once, ids distinct, rows written in array order
     * (the caller sorts them: a fixed lock order). Parameters: arrays of id, created_at, updated_at (timestamptz).
     */
    public String ensureOrganizations() {
        return "INSERT INTO organizations AS t (id, provisioning_mode, created_at, updated_at) "
                + "SELECT o.id, 'scim', o.created_at, o.updated_at "
                + "FROM unnest(CAST(? AS text[]), CAST(? AS timestamptz[]), CAST(? AS timestamptz[])) "
                + "WITH ORDINALITY AS o(id, created_at, updated_at, n) "
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
     * cannot touch a row twice in one statement). Returns the key of each row written and its change to the count
     * of present members (present_delta: 1, 0 or -1). Parameters: arrays of
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
     * {@link #upsertGroup()} for many groups at once, keys distinct. Returns the key and present_delta of each
     * row written.
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
     * {@link #addMembership()} for many memberships at once, keys distinct. Returns the key of each membership
     * row written and present_delta (1 when it was inserted, 0 when updated). Parameters: arrays of organization_id, directory_group_id, directory_user_id, directory_id,
     * version_at (timestamptz), version_event_id.
     */
    public String addMemberships() {
        return membershipRows() + addMembershipFromV() + MEMBERSHIP_ADDED_RETURNING;
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
     * {@link #removeMembership()} for many memberships at once. Returns the key of each removal record
     * written and present_delta (-1 when the statement deleted the membership row, 0 when there was none). Parameters: as {@link #addMemberships()}.
     */
    public String removeMemberships() {
        return membershipRows() + removeMembershipFromV() + MEMBERSHIP_REMOVED_RETURNING;
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
     * The stream processor's view of an organization, from the status topic. Status records are ordered by
     * ({@code countingSince}, {@code appliedEvents}): the processor's count of applied events grows by one per
     * applied event, in topic order, whereas WorkOS created_at and event ids are not monotonic (a resync item
     * carries the time it was read); and a processor that starts a new count (a new application id, lost
     * state) gives it a later countingSince, so its small counts still win over the old, larger ones. A status
     * is applied when it is strictly later in that order than the stored one (a null countingSince, from
     * records written before it existed, is the oldest; a row without a stored status always yields). A
     * redelivered status therefore rewrites nothing. Parameters: organization_id, last_event_id,
     * last_event_created_at, last_applied_at, processor_members, processor_groups, processor_memberships,
     * last_resync_id, last_resync_state, last_resync_at, processor_applied_events, processor_counting_since.
     */
    public String upsertProcessorStatus() {
        return "INSERT INTO sync_status AS t (organization_id, last_event_id, last_event_created_at, last_applied_at, "
                + "processor_members, processor_groups, processor_memberships, last_resync_id, last_resync_state, last_resync_at, "
                + "processor_applied_events, processor_counting_since) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (organization_id) DO UPDATE SET "
                + "last_event_id = excluded.last_event_id, last_event_created_at = excluded.last_event_created_at, "
                + "last_applied_at = excluded.last_applied_at, processor_members = excluded.processor_members, "
                + "processor_groups = excluded.processor_groups, processor_memberships = excluded.processor_memberships, "
                + "last_resync_id = excluded.last_resync_id, last_resync_state = excluded.last_resync_state, "
                + "last_resync_at = CASE WHEN (t.last_resync_id, t.last_resync_state) IS NOT DISTINCT FROM "
                + "(excluded.last_resync_id, excluded.last_resync_state) THEN t.last_resync_at ELSE excluded.last_resync_at END, "
                + "processor_applied_events = excluded.processor_applied_events, "
                + "processor_counting_since = excluded.processor_counting_since "
                + "WHERE " + STATUS_LATER;
    }

    /** The status order: (countingSince, null first; appliedEvents), strictly later; no stored status always yields. */
    static final String STATUS_LATER = "t.processor_applied_events IS NULL "
            + "OR (COALESCE(excluded.processor_counting_since, CAST('-infinity' AS timestamptz)), excluded.processor_applied_events) "
            + "> (COALESCE(t.processor_counting_since, CAST('-infinity' AS timestamptz)), t.processor_applied_events)";

    /**
     * A resync seen on the status topic. A finished run (any state but running) is never changed again, so
     * replaying old statuses cannot reopen it. Parameters: id, organization_id, state, started_at,
     * finished_at, members, groups, memberships, scope, dry_run, removed, note (the last four from the sweep's
     * outcome, null while the resync runs; a NULL keeps what the row has).
     */
    public String upsertResyncRun() {
        return "INSERT INTO sync_runs AS t (id, organization_id, kind, state, started_at, finished_at, members, groups, "
                + "memberships, scope, dry_run, removed, note) "
                + "VALUES (?, ?, 'resync', ?, ?, ?, ?, ?, ?, ?, COALESCE(?, false), ?, ?) "
                + "ON CONFLICT (id) DO UPDATE SET state = excluded.state, finished_at = excluded.finished_at, "
                + "members = excluded.members, groups = excluded.groups, memberships = excluded.memberships, "
                + "scope = COALESCE(excluded.scope, t.scope), dry_run = excluded.dry_run OR t.dry_run, "
                + "removed = COALESCE(excluded.removed, t.removed), note = COALESCE(excluded.note, t.note) "
                + "WHERE t.state = 'running' AND t.state IS DISTINCT FROM excluded.state";
    }

    /**
     * Adds the changes of a batch to the counts of present members, groups and memberships, creating the
     * status row of an organization seen for the first time. Rows are locked in array order (the caller
     * sorts them); a row whose counts do not change is not rewritten. Parameters: arrays of organization_id,
     * members, groups and memberships deltas (bigint).
     */
    public String addToCounts() {
        return "INSERT INTO sync_status AS t (organization_id, members, groups, memberships) "
                + "SELECT d.organization_id, d.members, d.groups, d.memberships "
                + "FROM unnest(CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS bigint[])) "
                + "WITH ORDINALITY AS d(organization_id, members, groups, memberships, n) ORDER BY d.n "
                + "ON CONFLICT (organization_id) DO UPDATE SET members = t.members + excluded.members, "
                + "groups = t.groups + excluded.groups, memberships = t.memberships + excluded.memberships "
                + "WHERE (excluded.members, excluded.groups, excluded.memberships) <> (0, 0, 0)";
    }

    /**
     * Recounts the present members, groups and memberships of the given organizations and stores the counts
     * where they changed: the record-by-record fallback, whose single-row statements report no deltas.
     * Parameter: a text[] of organization ids.
     */
    public String recountCounts() {
        return "INSERT INTO sync_status AS t (organization_id, members, groups, memberships) "
                + "SELECT o.id, "
                + "(SELECT count(*) FROM members m WHERE m.organization_id = o.id AND m.source = 'directory' AND m.removed_at IS NULL), "
                + "(SELECT count(*) FROM groups g WHERE g.organization_id = o.id AND g.removed_at IS NULL), "
                + "(SELECT count(*) FROM group_memberships gm WHERE gm.organization_id = o.id) "
                + "FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS o(id, n) ORDER BY o.n "
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
