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

    /**
     * Owned live rows of the scope that the shadow lacks: deleted, or marked removed (parameter 3: the time), never
     * the Primary Owner. Null when such rows are kept.
     */
    String removeLacking(String shadowSchema) {
        return switch (lacking) {
            case KEPT -> null;
            case DELETED -> "DELETE FROM " + name + " t WHERE " + scope("t") + " AND " + ownedRows + " AND "
                    + shadowLacks(shadowSchema);
            case REMOVED -> "UPDATE " + name + " t SET removed_at = CAST(? AS timestamptz) WHERE " + scope("t") + " AND "
                    + ownedRows + " AND t.removed_at IS NULL" + (name.equals("members") ? " AND NOT " + PRIMARY_OWNER : "")
                    + " AND " + shadowLacks(shadowSchema);
        };
    }

    /**
     * Rewrites the owned live rows of the scope whose event-decided columns differ from the shadow's, when the
     * shadow's version is not older (a row edited by hand keeps its version, so it is rewritten). Equal rows are
     * not touched.
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
                + " AND " + scope("t") + " AND " + ownedRows + notOlder + owner + " AND (" + live
                + ") IS DISTINCT FROM (" + shadow + ")";
    }

    /** Inserts the shadow rows of the scope that the live table lacks (one the live writer just wrote is left). */
    String insert(String shadowSchema) {
        String all = String.join(", ", keys) + ", " + String.join(", ", columns);
        String selected = keys.stream().map(k -> "s." + k).collect(Collectors.joining(", ")) + ", "
                + columns.stream().map(c -> "s." + c).collect(Collectors.joining(", "));
        String extra = name.equals("organizations") ? ", created_at, updated_at" : "";
        return "INSERT INTO " + name + " (" + all + extra + ") SELECT " + selected + extra.replace(", ", ", s.")
                + " FROM " + shadowSchema + "." + name + " s WHERE " + scope("s") + " AND NOT EXISTS (SELECT 1 FROM "
                + name + " t WHERE " + keysMatch() + ") ON CONFLICT DO NOTHING";
    }
}
