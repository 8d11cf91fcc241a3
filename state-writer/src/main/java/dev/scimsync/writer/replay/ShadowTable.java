package dev.scimsync.writer.replay;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One table whose rows the events derive, as the replay's switch rewrites it from a shadow copy: the key that
 * identifies a row, the columns the events decide, and which of the live rows are the events' at all.
 *
 * @param name      table name, the same in both schemas
 * @param keys      columns identifying a row
 * @param columns   columns the events decide (rewritten when they differ from the shadow's)
 * @param ownedRows SQL condition on the live row {@code t} for rows the events own (manual members are not), or
 *                  {@code "true"}
 * @param deletes   whether live rows the shadow lacks are deleted (organizations are only inserted or updated:
 *                  they hold what an admin set)
 */
record ShadowTable(String name, List<String> keys, List<String> columns, String ownedRows, boolean deletes) {

    static final List<ShadowTable> ALL = List.of(
            new ShadowTable("organizations", List.of("id"), List.of("name", "created_at", "updated_at"), "true", false),
            new ShadowTable("groups", List.of("organization_id", "directory_group_id"),
                    List.of("directory_id", "idp_id", "name", "version_at", "version_event_id", "created_at",
                            "updated_at", "removed_at"), "true", true),
            new ShadowTable("members", List.of("organization_id", "directory_user_id"),
                    List.of("source", "directory_id", "idp_id", "email", "first_name", "last_name", "state", "roles",
                            "custom_attributes", "version_at", "version_event_id", "created_at", "updated_at",
                            "removed_at"), "t.source = 'directory'", true),
            new ShadowTable("group_memberships", List.of("organization_id", "directory_group_id", "directory_user_id"),
                    List.of("directory_id", "version_at", "version_event_id", "created_at", "updated_at"), "true", true),
            new ShadowTable("group_membership_removals",
                    List.of("organization_id", "directory_group_id", "directory_user_id"),
                    List.of("directory_id", "version_at", "version_event_id", "removed_at"), "true", true));

    private String organizationColumn() {
        return name.equals("organizations") ? "id" : "organization_id";
    }

    /**
     * The value a live row gets for {@code column}: the shadow's, except that the Primary Owner is never removed
     * by sync, so a removal the events imply for it is not taken over (as the writer does).
     */
    private String newValue(String column) {
        if (name.equals("members") && column.equals("removed_at")) {
            return "CASE WHEN EXISTS (SELECT 1 FROM organizations o WHERE o.primary_owner_member_id = t.id) "
                    + "THEN t.removed_at ELSE s.removed_at END";
        }
        return "s." + column;
    }

    private String keysMatch() {
        return keys.stream().map(k -> "s." + k + " = t." + k).collect(Collectors.joining(" AND "));
    }

    /** Deletes the owned live rows of the scope that the shadow lacks. Parameter: the organization id, or null. */
    String delete(String shadowSchema) {
        String referenced = name.equals("members")
                ? " AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.primary_owner_member_id = t.id)" : "";
        return "DELETE FROM " + name + " t WHERE (CAST(? AS text) IS NULL OR t." + organizationColumn() + " = ?) AND "
                + ownedRows + referenced + " AND NOT EXISTS (SELECT 1 FROM " + shadowSchema + "." + name + " s WHERE "
                + keysMatch() + ")";
    }

    /**
     * Rewrites the owned live rows of the scope whose event-decided columns differ from the shadow's, whatever
     * their version says (a row edited by hand keeps its version). Rows that are equal are not touched.
     */
    String update(String shadowSchema) {
        String set = columns.stream().map(c -> c + " = " + newValue(c)).collect(Collectors.joining(", "));
        String live = columns.stream().map(c -> "t." + c).collect(Collectors.joining(", "));
        String shadow = columns.stream().map(this::newValue).collect(Collectors.joining(", "));
        return "UPDATE " + name + " t SET " + set + " FROM " + shadowSchema + "." + name + " s WHERE " + keysMatch()
                + " AND (CAST(? AS text) IS NULL OR t." + organizationColumn() + " = ?) AND " + ownedRows
                + " AND (" + live + ") IS DISTINCT FROM (" + shadow + ")";
    }

    /** Inserts the shadow rows of the scope that the live table lacks. */
    String insert(String shadowSchema) {
        String all = String.join(", ", keys) + ", " + String.join(", ", columns);
        String selected = keys.stream().map(k -> "s." + k).collect(Collectors.joining(", ")) + ", "
                + columns.stream().map(c -> "s." + c).collect(Collectors.joining(", "));
        return "INSERT INTO " + name + " (" + all + ") SELECT " + selected + " FROM " + shadowSchema + "." + name
                + " s WHERE (CAST(? AS text) IS NULL OR s." + organizationColumn() + " = ?) AND NOT EXISTS (SELECT 1 FROM "
                + name + " t WHERE " + keysMatch() + ")";
    }
}
