package dev.scimsync.e2e.scaleout;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

import dev.scimsync.e2e.TestPipeline;
import dev.scimsync.testkit.SharedPostgres;

/**
 * A record of every version the writers applied, kept by triggers on the test's schema: one row per insert or update
 * of a member, a group or a membership (added or ended), in the order the database took them. An entity whose
 * versions do not strictly increase in that order had a change applied out of order, or one applied twice.
 */
final class AppliedVersions {

    private static final String TRIGGER_FUNCTION = """
            CREATE FUNCTION record_applied_version() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                changed jsonb := to_jsonb(NEW);
            BEGIN
                INSERT INTO applied_versions (kind, entity, version_at, version_event_id)
                VALUES (TG_ARGV[0], concat_ws('/', changed ->> 'organization_id', changed ->> 'directory_group_id',
                        changed ->> 'directory_user_id'), NEW.version_at, NEW.version_event_id);
                RETURN NULL;
            END $$""";

    /** Per entity, each applied version with the one applied before it. */
    private static final String IN_ORDER_APPLIED = "SELECT kind, entity, version_at, version_event_id, "
            + "lag(version_at) OVER w AS previous_at, lag(version_event_id) OVER w AS previous_event_id "
            + "FROM applied_versions WINDOW w AS (PARTITION BY kind, entity ORDER BY seq)";

    private final String schema;

    private AppliedVersions(String schema) {
        this.schema = schema;
    }

    /** Installs the record in {@code schema}, whose tables the writer's migrations have created. */
    static AppliedVersions install(String schema) throws Exception {
        try (Connection c = SharedPostgres.connect(SharedPostgres.jdbcUrl(schema)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE applied_versions (seq bigserial PRIMARY KEY, kind text NOT NULL, "
                    + "entity text NOT NULL, version_at timestamptz NOT NULL, version_event_id text NOT NULL)");
            s.execute(TRIGGER_FUNCTION);
            // a membership's additions and removals live in two tables: one kind, so they are ordered together
            for (List<String> table : List.of(List.of("members", "member"), List.of("groups", "group"),
                    List.of("group_memberships", "membership"), List.of("group_membership_removals", "membership"))) {
                s.execute("CREATE TRIGGER " + table.get(0) + "_applied AFTER INSERT OR UPDATE ON " + table.get(0)
                        + " FOR EACH ROW EXECUTE FUNCTION record_applied_version('" + table.get(1) + "')");
            }
        }
        return new AppliedVersions(schema);
    }

    long count() throws Exception {
        return Long.parseLong(TestPipeline.rows(schema, "SELECT count(*) FROM applied_versions").iterator().next()
                .get(0));
    }

    /** Rows of members, groups and memberships (present or ended) in the database now. */
    long rows() throws Exception {
        return Long.parseLong(TestPipeline.rows(schema, "SELECT (SELECT count(*) FROM members) + (SELECT count(*) "
                + "FROM groups) + (SELECT count(*) FROM group_memberships) + (SELECT count(*) "
                + "FROM group_membership_removals)").iterator().next().get(0));
    }

    /** Versions applied after a version at least as new of the same entity (an older change applied later). */
    Set<List<String>> outOfOrder() throws Exception {
        return TestPipeline.rows(schema, "SELECT kind, entity, previous_at, previous_event_id, version_at, "
                + "version_event_id FROM (" + IN_ORDER_APPLIED + ") v WHERE previous_at IS NOT NULL "
                + "AND (version_at, version_event_id) < (previous_at, previous_event_id)");
    }

    /** Versions of an entity applied more than once. */
    Set<List<String>> appliedTwice() throws Exception {
        return TestPipeline.rows(schema, "SELECT kind, entity, version_at, version_event_id, count(*) "
                + "FROM applied_versions GROUP BY kind, entity, version_at, version_event_id HAVING count(*) > 1");
    }
}
