package dev.scimsync.writer.replay;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One table whose rows the events derive, as the replay's switch rewrites it from a shadow copy.
 *
 * @param name      table name, the same in both schemas
 * @param keys      columns identifying a row
 * @param columns   columns the events decide (rewritten when they differ from the shadow's)
 * @param ownedRows SQL condition on the live row {@code t} for rows the events own (manual members are not), or
 *                  {@code "true"}
 * @param versioned whether rows carry {@code version_at, version_event_id}: a live row is rewritten only when the
 *                  shadow's version is at least its own (equal: a row edited by hand keeps its version)
 * @param lacking   what becomes of an owned live row the shadow lacks: {@link Lacking}
 */
record ShadowTable(String name, List<String> keys, List<String> columns, String ownedRows, boolean versioned,
                   Lacking lacking) {

    /** What happens to a live row that no event derives. */
    enum Lacking {
        /** Kept: organizations hold what an admin set. */
        KEPT,
        /** Marked removed ({@code removed_at}), as every removal of members and groups is: a soft delete. */
        REMOVED,
        /** Deleted: a membership row exists exactly while the membership does. */
        DELETED
    }

    static final List<ShadowTable> ALL = List.of(
            // only the name: the times of an organization partly come from when statuses were written
            new ShadowTable("organizations", List.of("id"), List.of("name"), "true", false, Lacking.KEPT),
            new ShadowTable("groups", List.of("organization_id", "directory_group_id"),
                    List.of("directory_id", "idp_id", "name", "version_at", "version_event_id", "created_at",
                            "updated_at", "removed_at"), "true", true, Lacking.REMOVED),
            new ShadowTable("members", List.of("organization_id", "directory_user_id"),
                    List.of("source", "directory_id", "idp_id", "email", "first_name", "last_name", "state", "roles",
                            "custom_attributes", "version_at", "version_event_id", "created_at", "updated_at",
                            "removed_at"), "t.source = 'directory'", true, Lacking.REMOVED),
            new ShadowTable("group_memberships", List.of("organization_id", "directory_group_id", "directory_user_id"),
                    List.of("directory_id", "version_at", "version_event_id", "created_at", "updated_at"), "true", true,
                    Lacking.DELETED),
            new ShadowTable("group_membership_removals",
                    List.of("organization_id", "directory_group_id", "directory_user_id"),
                    List.of("directory_id", "version_at", "version_event_id", "removed_at"), "true", true,
                    Lacking.DELETED));

    /** SQL that is true for the Primary Owner's row {@code t} of members. */
    static final String PRIMARY_OWNER = "EXISTS (SELECT 1 FROM organizations o WHERE o.primary_owner_member_id = t.id)";

    private String organizationColumn() {
        return name.equals("organizations") ? "id" : "organization_id";
    }

    /** The live rows of the scope. Parameters: the organization id twice (null: every organization). */
    private String scope(String alias) {
        return "(CAST(? AS text) IS NULL OR " + alias + "." + organizationColumn() + " = ?)";
    }

    private String keysMatch() {
        return keys.stream().map(k -> "s." + k + " = t." + k).collect(Collectors.joining(" AND "));
    }

    private String shadowLacks(String shadowSchema) {
        return "NOT EXISTS (SELECT 1 FROM " + shadowSchema + "." + name + " s WHERE " + keysMatch() + ")";
    }

    /** The temporary table of {@link #diff}. */
    String diffTable() {
        return "scim_sync_switch_" + name;
    }

    /**
     * Creates (for the transaction) the temporary table of the keys where the shadow and the owned live rows of the
     * scope differ at all: a key only one side has, or one whose event-decided columns differ. One pass over both
     * tables; the statements below then touch only these keys, and on a healthy database there are none (before,
     * each of them went through both tables again). A superset of what they change: they keep their own conditions.
     * Parameters: the organization id twice (null: every organization).
     */
    String diff(String shadowSchema) {
        String keyList = keys.stream().map(k -> "coalesce(s." + k + ", t." + k + ") AS " + k)
                .collect(Collectors.joining(", "));
        String live = columns.stream().map(c -> "t." + c).collect(Collectors.joining(", "));
        String shadow = columns.stream().map(c -> "s." + c).collect(Collectors.joining(", "));
        String first = keys.get(0);
        return "CREATE TEMPORARY TABLE " + diffTable() + " ON COMMIT DROP AS SELECT " + keyList + " FROM "
                + shadowSchema + "." + name + " s FULL JOIN " + name + " t ON " + keysMatch() + " WHERE (CAST(? AS text) "
                + "IS NULL OR coalesce(s." + organizationColumn() + ", t." + organizationColumn() + ") = ?) AND (t."
                + first + " IS NULL OR " + ownedRows + ") AND (s." + first + " IS NULL OR t." + first + " IS NULL OR ("
                + live + ") IS DISTINCT FROM (" + shadow + "))";
    }

    /** True for a row {@code alias} whose key is in the {@link #diff}. */
    private String inDiff(String alias) {
        return "EXISTS (SELECT 1 FROM " + diffTable() + " d WHERE "
                + keys.stream().map(k -> "d." + k + " = " + alias + "." + k).collect(Collectors.joining(" AND ")) + ")";
    }

    /**
     * Owned live rows of the scope that the shadow lacks, among the {@link #diff}'s keys: deleted, or marked removed
     * (parameter 3: the time), never the Primary Owner. Null when such rows are kept.
     */
    String removeLacking(String shadowSchema) {
        return switch (lacking) {
            case KEPT -> null;
            case DELETED -> "DELETE FROM " + name + " t WHERE " + scope("t") + " AND " + ownedRows + " AND " + inDiff("t")
                    + " AND " + shadowLacks(shadowSchema);
            case REMOVED -> "UPDATE " + name + " t SET removed_at = CAST(? AS timestamptz) WHERE " + scope("t") + " AND "
                    + ownedRows + " AND t.removed_at IS NULL" + (name.equals("members") ? " AND NOT " + PRIMARY_OWNER : "")
                    + " AND " + inDiff("t") + " AND " + shadowLacks(shadowSchema);
        };
    }

    /**
     * Rewrites the owned live rows of the scope, among the {@link #diff}'s keys, whose event-decided columns differ
     * from the shadow's, when the shadow's version is not older (a row edited by hand keeps its version, so it is
     * rewritten). Equal rows are not touched.
     */
    String update(String shadowSchema) {
        String set = columns.stream().map(c -> c + " = s." + c).collect(Collectors.joining(", "));
        String live = columns.stream().map(c -> "t." + c).collect(Collectors.joining(", "));
        String shadow = columns.stream().map(c -> "s." + c).collect(Collectors.joining(", "));
        String notOlder = versioned
                ? " AND (s.version_at, s.version_event_id) >= (t.version_at, t.version_event_id)" : "";
        // the Primary Owner is never removed by sync: like the writer, the switch skips a removal of it whole
        String owner = name.equals("members") ? " AND NOT (s.removed_at IS NOT NULL AND " + PRIMARY_OWNER + ")" : "";
        return "UPDATE " + name + " t SET " + set + " FROM " + shadowSchema + "." + name + " s WHERE " + keysMatch()
                + " AND " + scope("t") + " AND " + ownedRows + " AND " + inDiff("t") + notOlder + owner + " AND (" + live
                + ") IS DISTINCT FROM (" + shadow + ")";
    }

    /**
     * Inserts the shadow rows of the scope, among the {@link #diff}'s keys, that the live table lacks (one the live
     * writer just wrote is left).
     */
    String insert(String shadowSchema) {
        String all = String.join(", ", keys) + ", " + String.join(", ", columns);
        String selected = keys.stream().map(k -> "s." + k).collect(Collectors.joining(", ")) + ", "
                + columns.stream().map(c -> "s." + c).collect(Collectors.joining(", "));
        String extra = name.equals("organizations") ? ", created_at, updated_at" : "";
        return "INSERT INTO " + name + " (" + all + extra + ") SELECT " + selected + extra.replace(", ", ", s.")
                + " FROM " + shadowSchema + "." + name + " s WHERE " + scope("s") + " AND " + inDiff("s")
                + " AND NOT EXISTS (SELECT 1 FROM " + name + " t WHERE " + keysMatch() + ") ON CONFLICT DO NOTHING";
    }
}
