package dev.scimsync.writer.replay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.scimsync.writer.db.PostgresDialect;

/**
 * The switch of a replay: makes the organization database's event-derived rows equal to a shadow schema that a
 * replay wrote from the events topic, in ONE transaction, so readers see the old rows or the rebuilt ones, never a
 * mix. Only rows that differ are written (a healthy database is left as it is); rows no event derives (manual
 * members, an organization's limits and mode, sync runs, writer offsets) are kept; the Primary Owner is never
 * removed. Scoped to one organization, other organizations' rows are not touched at all.
 */
public final class ShadowSwitch {

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** What the switch changed, per table: rows inserted, updated and deleted. */
    public record Changes(Map<String, int[]> byTable) {
        public int total() {
            return byTable.values().stream().mapToInt(c -> c[0] + c[1] + c[2]).sum();
        }

        /** e.g. {@code members +3 ~1 -0}, for the run's note. */
        public String summary() {
            StringBuilder text = new StringBuilder();
            byTable.forEach((table, c) -> text.append(text.length() == 0 ? "" : ", ").append(table).append(" +")
                    .append(c[0]).append(" ~").append(c[1]).append(" -").append(c[2]));
            return text.toString();
        }
    }

    private final DataSource live;
    private final String shadowSchema;
    private final PostgresDialect dialect = new PostgresDialect();

    /**
     * @param live         the organization database (its default schema is the live one)
     * @param shadowSchema the replay's schema in the same database: lower-case letters, digits and underscores
     */
    public ShadowSwitch(DataSource live, String shadowSchema) {
        if (!SCHEMA.matcher(shadowSchema).matches()) {
            throw new IllegalArgumentException("not a plain schema name: " + shadowSchema);
        }
        this.live = live;
        this.shadowSchema = shadowSchema;
    }

    /**
     * Switches the rows of {@code organizationId} (null: every organization) to the shadow's, in one transaction.
     */
    public Changes apply(String organizationId) throws SQLException {
        try (Connection connection = live.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Map<String, int[]> changes = new LinkedHashMap<>();
                for (ShadowTable table : ShadowTable.ALL) {
                    int[] counts = new int[3];
                    counts[0] = run(connection, table.insert(shadowSchema), organizationId);
                    counts[1] = run(connection, table.update(shadowSchema), organizationId);
                    counts[2] = table.deletes() ? run(connection, table.delete(shadowSchema), organizationId) : 0;
                    changes.put(table.name(), counts);
                }
                recount(connection, organizationId);
                connection.commit();
                return new Changes(changes);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** The switch's changes computed and rolled back: what a replay would change. */
    public Changes preview(String organizationId) throws SQLException {
        try (Connection connection = live.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Map<String, int[]> changes = new LinkedHashMap<>();
                for (ShadowTable table : ShadowTable.ALL) {
                    changes.put(table.name(), new int[] {run(connection, table.insert(shadowSchema), organizationId),
                            run(connection, table.update(shadowSchema), organizationId),
                            table.deletes() ? run(connection, table.delete(shadowSchema), organizationId) : 0});
                }
                return new Changes(changes);
            } finally {
                connection.rollback();
            }
        }
    }

    /** Drops the shadow schema. */
    public void dropShadow() throws SQLException {
        try (Connection connection = live.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + shadowSchema + " CASCADE");
        }
    }

    private static int run(Connection connection, String sql, String organizationId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, organizationId);
            ps.setString(2, organizationId);
            return ps.executeUpdate();
        }
    }

    /** The stored counts, recounted from the rows, where they differ. */
    private void recount(Connection connection, String organizationId) throws SQLException {
        TreeSet<String> organizations = new TreeSet<>();
        if (organizationId != null) {
            organizations.add(organizationId);
        } else {
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT id FROM organizations")) {
                while (rs.next()) {
                    organizations.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(dialect.recountCounts())) {
            ps.setArray(1, connection.createArrayOf("text", organizations.toArray()));
            ps.executeUpdate();
        }
    }
}
