package dev.scimsync.writer.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.scimsync.testkit.SharedPostgres;
import dev.scimsync.writer.Database;
import dev.scimsync.writer.db.PostgresDialect;

/**
 * A writer batch's statements must cost what the batch holds, not what the organization holds: each statement that
 * looks up the rows of a batch's keys does so by index, whatever the table's size. Before, PostgreSQL hashed the whole
 * {@code members} table to find a batch's members for the access recompute, and the whole {@code group_memberships}
 * table to tell whether a batch's memberships existed (a scan per batch, so a bulk load of an organization took time
 * quadratic in its size). The plans are read with the tables' statistics current ({@code ANALYZE}).
 */
@ExtendWith(SharedPostgres.class)
class BatchStatementPlansIT {

    private static final String ORG = "org_plan";
    private static final int MEMBERS = 30_000;
    private static final int BATCH = 500;

    @Test
    void shouldReadABatchsRowsByIndex_InAnOrganizationOfAnySize() throws Exception {
        String schema = SharedPostgres.newSchema();
        try (Database database = Database.connect(SharedPostgres.jdbcUrl(schema), SharedPostgres.user(),
                SharedPostgres.password(), 2)) {
            database.migrate();
            try (Connection c = database.dataSource().getConnection()) {
                seed(c);
                String recompute = explainRecompute(c);
                PostgresDialect dialect = new PostgresDialect();
                String additions = explainMemberships(c, dialect.addMemberships());
                String removals = explainMemberships(c, dialect.removeMemberships());

                assertThat(recompute).contains("Index Scan using members_directory_user_key on members");
                assertThat(recompute).doesNotContain("Seq Scan on members");
                assertThat(additions).containsPattern("Index (Only )?Scan using \\w+ on group_memberships b");
                assertThat(additions).doesNotContain("Seq Scan on group_memberships");
                assertThat(removals).containsPattern("Index (Only )?Scan using \\w+ on group_memberships b");
                assertThat(removals).doesNotContain("Seq Scan on group_memberships b");
            }
        } finally {
            try (Connection c = SharedPostgres.connect(SharedPostgres.baseUrl()); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static void seed(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO organizations (id, created_at, updated_at) VALUES ('" + ORG + "', now(), now())");
            s.execute("INSERT INTO members (organization_id, directory_user_id, source, directory_id, state, "
                    + "version_at, version_event_id, created_at, updated_at) SELECT '" + ORG + "', 'directory_user_' || i, "
                    + "'directory', 'directory_1', 'active', now(), 'event_' || i, now(), now() "
                    + "FROM generate_series(1, " + MEMBERS + ") i");
            s.execute("INSERT INTO groups (organization_id, directory_group_id, directory_id, name, version_at, "
                    + "version_event_id, created_at, updated_at) SELECT '" + ORG + "', 'directory_group_' || i, "
                    + "'directory_1', 'Group ' || i, now(), 'group_event_' || i, now(), now() FROM generate_series(1, 100) i");
            s.execute("INSERT INTO group_memberships (organization_id, directory_group_id, directory_user_id, directory_id, "
                    + "version_at, version_event_id, created_at, updated_at) SELECT '" + ORG + "', "
                    + "'directory_group_' || (1 + i % 100), 'directory_user_' || i, 'directory_1', now(), "
                    + "'membership_event_' || i, now(), now() FROM generate_series(1, " + MEMBERS + ") i");
            s.execute("ANALYZE");
        }
    }

    /** The plan of a batch's recompute: {@value #BATCH} changed users and one group that became present. */
    private static String explainRecompute(Connection c) throws Exception {
        List<String> organizations = new ArrayList<>();
        List<String> users = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Long> places = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            organizations.add(ORG);
            users.add("directory_user_" + (MEMBERS - i * 37));
            kinds.add(AccessRecompute.Cause.EVENT);
            ids.add("event_" + i);
            places.add((long) i);
        }
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN "
                + AccessStatements.recompute(AccessStatements.TARGET_CHANGES))) {
            ps.setArray(1, c.createArrayOf("text", organizations.toArray()));
            ps.setArray(2, c.createArrayOf("text", users.toArray()));
            ps.setArray(3, c.createArrayOf("text", kinds.toArray()));
            ps.setArray(4, c.createArrayOf("text", ids.toArray()));
            ps.setArray(5, c.createArrayOf("bigint", places.toArray()));
            ps.setArray(6, c.createArrayOf("text", new Object[] {ORG}));
            ps.setArray(7, c.createArrayOf("text", new Object[] {"directory_group_7"}));
            ps.setArray(8, c.createArrayOf("text", new Object[] {AccessRecompute.Cause.EVENT}));
            ps.setArray(9, c.createArrayOf("text", new Object[] {"group_event"}));
            ps.setArray(10, c.createArrayOf("bigint", new Object[] {(long) BATCH}));
            return plan(ps);
        }
    }

    /** The plan of a multi-row membership statement for {@value #BATCH} memberships, some new, some existing. */
    private static String explainMemberships(Connection c, String sql) throws Exception {
        List<String> organizations = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        List<String> users = new ArrayList<>();
        List<String> directories = new ArrayList<>();
        List<String> times = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            organizations.add(ORG);
            groups.add("directory_group_" + (1 + i % 100));
            users.add("directory_user_" + (i * 61));
            directories.add("directory_1");
            times.add("2030-01-01T00:00:00Z");
            events.add("event_" + i);
        }
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
            ps.setArray(1, c.createArrayOf("text", organizations.toArray()));
            ps.setArray(2, c.createArrayOf("text", groups.toArray()));
            ps.setArray(3, c.createArrayOf("text", users.toArray()));
            ps.setArray(4, c.createArrayOf("text", directories.toArray()));
            ps.setArray(5, c.createArrayOf("timestamptz", times.toArray()));
            ps.setArray(6, c.createArrayOf("text", events.toArray()));
            return plan(ps);
        }
    }

    private static String plan(PreparedStatement ps) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
