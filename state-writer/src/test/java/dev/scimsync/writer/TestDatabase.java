package dev.scimsync.writer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.scimsync.testkit.SharedPostgres;

/**
 * A migrated organization database in a schema of its own on the shared PostgreSQL, dropped on close.
 * Needs {@code @ExtendWith(SharedPostgres.class)} on the test class.
 */
final class TestDatabase implements AutoCloseable {

    /** Every table the writer owns, for checksums. */
    static final List<String> TABLES = List.of("organizations", "members", "groups", "group_memberships",
            "group_membership_removals", "sync_status", "sync_runs", "writer_offsets");

    private final String schema;
    private final Database database;

    private TestDatabase(String schema, Database database) {
        this.schema = schema;
        this.database = database;
    }

    static TestDatabase create() {
        String schema = SharedPostgres.newSchema();
        Database database = Database.connect(SharedPostgres.jdbcUrl(schema), SharedPostgres.user(),
                SharedPostgres.password(), 4);
        database.migrate();
        return new TestDatabase(schema, database);
    }

    DataSource dataSource() {
        return database.dataSource();
    }

    String schema() {
        return schema;
    }

    String jdbcUrl() {
        return SharedPostgres.jdbcUrl(schema);
    }

    /**
     * md5 of every table's rows in a fixed order. {@code members.id} is left out: it is a surrogate numbered
     * in arrival order (and sequences are not transactional), so two databases built from the same topics
     * may number members differently; {@code writer_offsets.consumer_group} too, as compared runs use their
     * own groups. Everything else must match byte for byte.
     */
    Map<String, String> checksums() throws SQLException {
        Map<String, String> sums = new LinkedHashMap<>();
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                String rows = switch (table) {
                    case "members" -> "(SELECT to_jsonb(m) - 'id' AS r FROM members m)";
                    // runs compared with each other use their own consumer groups
                    case "writer_offsets" -> "(SELECT to_jsonb(w) - 'consumer_group' AS r FROM writer_offsets w)";
                    default -> "(SELECT to_jsonb(x) AS r FROM " + table + " x)";
                };
                try (ResultSet rs = s.executeQuery("SELECT count(*) || ':' || COALESCE(md5(string_agg(r::text, E'\\n' "
                        + "ORDER BY r::text)), '-') FROM " + rows + " t")) {
                    rs.next();
                    sums.put(table, rs.getString(1));
                }
            }
        }
        return sums;
    }

    /** Physical identity of every row (ctid and inserting transaction): unchanged iff no row was rewritten. */
    Map<String, String> tupleIdentities() throws SQLException {
        Map<String, String> ids = new LinkedHashMap<>();
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rs = s.executeQuery("SELECT COALESCE(md5(string_agg(ctid::text || '/' || xmin::text, ',' "
                        + "ORDER BY ctid)), '-') FROM " + table)) {
                    rs.next();
                    ids.put(table, rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** Runs a query and returns the first column of the first row (null if none). */
    Object scalar(String sql) throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() throws SQLException {
        database.close();
        try (Connection c = SharedPostgres.connect(SharedPostgres.baseUrl()); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
