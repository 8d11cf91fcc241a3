package dev.scimsync.writer.replay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.writer.access.AccessRecompute;
import dev.scimsync.writer.db.OrganizationLocks;
import dev.scimsync.writer.db.PostgresDialect;
import dev.scimsync.writer.db.TransientErrors;

/**
 * The switch of a replay: makes the organization database's event-derived rows equal to a shadow schema that a
 * replay wrote from the events topic, in ONE transaction, so readers see the old rows or the rebuilt ones, never a
 * mix. Only rows that differ are written (a healthy database is left as it is), found in one pass over each table
 * ({@link ShadowTable#diff}) before anything is written; rows no event derives (manual
 * members, an organization's limits and mode, sync runs, writer offsets) are kept; members and groups no event
 * derives are marked removed, never deleted; the Primary Owner is never removed. Scoped to one organization, other
 * organizations' rows are not touched at all. Held, like a resync's sweep, when it would remove more members or
 * groups than the organization's limits allow.
 */
public final class ShadowSwitch {

    /** What the switch changed, per table: rows inserted, updated and removed (or deleted). */
    public record Changes(Map<String, int[]> byTable) {
        /** e.g. {@code members +3 ~1 -0}, for the run's note. */
        public String summary() {
            StringBuilder text = new StringBuilder();
            byTable.forEach((table, c) -> text.append(text.length() == 0 ? "" : ", ").append(table).append(" +")
                    .append(c[0]).append(" ~").append(c[1]).append(" -").append(c[2]));
            return text.toString();
        }
    }

    /** The removal limits that apply where an organization sets none of its own. */
    public record RemovalLimits(int maxCount, int maxPercent) {
    }

    /** The switch would remove more than the limits allow: nothing was changed. */
    public static final class HeldException extends Exception {
        HeldException(String message) {
            super(message);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ShadowSwitch.class);
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final int ATTEMPTS = 3;
    /** PostgreSQL's work_mem for the switch's transaction (the default is 4 MB). */
    private static final String DIFF_WORK_MEM = "256MB";

    private final DataSource live;
    private final String shadowSchema;
    private final PostgresDialect dialect = new PostgresDialect();
    /** The server's start time when the shadow was made unlogged; null = the shadow is logged. */
    private volatile Instant unloggedOnServerStartedAt;

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
     * Switches the rows of {@code organizationId} (null: every organization) to the shadow's, in one transaction,
     * retried when the database reports a transient error (a deadlock with the live writer, say).
     *
     * @param at     the time a member or group no event derives is marked removed
     * @param force  switch even beyond the removal limits
     * @param replayId recorded as the cause of the access changes the switch makes
     * @throws HeldException the switch would remove more than the limits allow; nothing changed
     */
    public Changes apply(String organizationId, Instant at, RemovalLimits limits, boolean force, String replayId)
            throws SQLException, HeldException {
        for (int attempt = 1; ; attempt++) {
            try {
                return applyOnce(organizationId, at, limits, force, replayId);
            } catch (SQLException e) {
                if (attempt >= ATTEMPTS || !TransientErrors.isRetryable(e)) {
                    throw e;
                }
            }
        }
    }

    private Changes applyOnce(String organizationId, Instant at, RemovalLimits limits, boolean force, String replayId)
            throws SQLException, HeldException {
        try (Connection connection = live.getConnection()) {
            connection.setAutoCommit(false);
            try {
                refuseIfServerRestarted(connection);
                Steps steps = new Steps();
                TreeSet<String> organizations = organizations(connection, organizationId);
                OrganizationLocks.lock(connection, organizations);
                steps.done("locks");
                if (!force) {
                    holdIfTooManyRemovals(connection, organizationId, limits);
                    steps.done("removal limits");
                }
                try (Statement statement = connection.createStatement()) {
                    // each difference is one hash join over a whole table: in memory, not in batches on disk
                    statement.execute("SET LOCAL work_mem = '" + DIFF_WORK_MEM + "'");
                }
                for (ShadowTable table : ShadowTable.ALL) {
                    run(connection, table.diff(shadowSchema), organizationId, null);
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("ANALYZE " + table.diffTable()); // few rows: index lookups, not scans
                    }
                }
                steps.done("differences");
                Map<String, int[]> changes = new LinkedHashMap<>();
                for (ShadowTable table : ShadowTable.ALL) {
                    int[] counts = new int[3];
                    counts[0] = run(connection, table.insert(shadowSchema), organizationId, null);
                    counts[1] = run(connection, table.update(shadowSchema), organizationId, null);
                    String remove = table.removeLacking(shadowSchema);
                    counts[2] = remove == null ? 0 : run(connection, remove, organizationId,
                            table.lacking() == ShadowTable.Lacking.REMOVED ? at : null);
                    changes.put(table.name(), counts);
                    steps.done(table.name());
                }
                recount(connection, organizations);
                steps.done("counts");
                // access is a function of the rows just switched (and of the mappings, which no event derives)
                AccessRecompute.Cause cause = new AccessRecompute.Cause(AccessRecompute.Cause.REPLAY, replayId);
                for (String organization : organizations) {
                    AccessRecompute.organization(connection, organization, cause);
                }
                steps.done("access");
                connection.commit();
                steps.done("commit");
                LOG.info("switch of schema {}: {}", shadowSchema, steps);
                return new Changes(changes);
            } catch (SQLException | HeldException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * Makes the empty shadow schema cheap to write, before anything writes it: every table UNLOGGED (the replay's
     * writer writes no WAL for rows that nothing ever recovers: a replay that stops is failed and its shadow dropped)
     * and without foreign keys (their checks were a quarter of a member upsert; the writer creates an organization's
     * row before the rows that name it, and the switch writes the live tables, whose keys hold). A crash of PostgreSQL
     * empties unlogged tables: from then on the switch refuses to run if the server has restarted since this call.
     */
    public void prepareShadow() throws SQLException {
        try (Connection connection = live.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                List<String[]> tables = names(connection, "SELECT c.relname, NULL FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = ? AND c.relkind = 'r' AND c.relpersistence = 'p' ORDER BY 1");
                List<String[]> foreignKeys = names(connection, "SELECT c.relname, k.conname"
                        + " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND k.contype = 'f'"
                        + " ORDER BY 1, 2");
                // the keys first: a foreign key may not join a logged and an unlogged table either way
                statement.execute("SET LOCAL search_path TO " + shadowSchema);
                for (String[] key : foreignKeys) {
                    statement.execute("ALTER TABLE " + identifier(key[0]) + " DROP CONSTRAINT " + identifier(key[1]));
                }
                for (String[] table : tables) {
                    statement.execute("ALTER TABLE " + identifier(table[0]) + " SET UNLOGGED");
                }
                Instant serverStart = serverStartedAt(connection);
                connection.commit();
                unloggedOnServerStartedAt = serverStart;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** Rows of two text columns that {@code sql} selects for the shadow schema (its one parameter). */
    private List<String[]> names(Connection connection, String sql) throws SQLException {
        List<String[]> found = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, shadowSchema);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(new String[] {rows.getString(1), rows.getString(2)});
                }
            }
        }
        return found;
    }

    /** How long each step of a switch took, for the log: where a slow switch spends its time. */
    private static final class Steps {
        private final StringBuilder text = new StringBuilder();
        private long last = System.nanoTime();

        void done(String step) {
            long now = System.nanoTime();
            text.append(text.length() == 0 ? "" : ", ").append(step).append(' ').append((now - last) / 1_000_000)
                    .append(" ms");
            last = now;
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    private static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** For tests: the switch behaves as if the shadow had been made unlogged on a server started at {@code start}. */
    void assumeUnloggedSince(Instant start) {
        unloggedOnServerStartedAt = start;
    }

    /** {@code pg_postmaster_start_time()}: changes with every restart of the server, a crash recovery included. */
    static Instant serverStartedAt(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT pg_postmaster_start_time()")) {
            row.next();
            return row.getTimestamp(1).toInstant();
        }
    }

    /** An unlogged shadow after a restart of the server may have been emptied by its crash recovery. */
    private void refuseIfServerRestarted(Connection connection) throws SQLException {
        Instant before = unloggedOnServerStartedAt;
        if (before != null && !before.equals(serverStartedAt(connection))) {
            throw new IllegalStateException("PostgreSQL restarted during the replay: the rebuilt rows were in unlogged "
                    + "tables, which a crash of the server empties, so nothing was switched; replay again");
        }
    }

    /** Drops the shadow schema. */
    public void dropShadow() throws SQLException {
        try (Connection connection = live.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + shadowSchema + " CASCADE");
        }
    }

    /**
     * Present members and groups the switch would remove, per organization, against its limits (its own
     * {@code max_removal_count} / {@code max_removal_percent}, else {@code limits}): a shadow that lacks most of an
     * organization (a recreated events topic, say) must not empty it silently.
     */
    private void holdIfTooManyRemovals(Connection connection, String organizationId, RemovalLimits limits)
            throws SQLException, HeldException {
        List<String> over = new ArrayList<>();
        for (String table : List.of("members", "groups")) {
            String key = table.equals("members") ? "directory_user_id" : "directory_group_id";
            String sql = "SELECT t.organization_id, count(*) FILTER (WHERE s." + key + " IS NULL OR s.removed_at IS NOT "
                    + "NULL), count(*), o.max_removal_count, o.max_removal_percent FROM " + table + " t "
                    + "JOIN organizations o ON o.id = t.organization_id LEFT JOIN " + shadowSchema + "." + table
                    + " s ON s.organization_id = t.organization_id AND s." + key + " = t." + key
                    + " WHERE (CAST(? AS text) IS NULL OR t.organization_id = ?) AND t.removed_at IS NULL"
                    + (table.equals("members") ? " AND t.source = 'directory' AND o.primary_owner_member_id "
                            + "IS DISTINCT FROM t.id" : "")
                    + " GROUP BY t.organization_id, o.max_removal_count, o.max_removal_percent ORDER BY 1";
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                ps.setString(1, organizationId);
                ps.setString(2, organizationId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long removing = rs.getLong(2);
                        long present = rs.getLong(3);
                        int maxCount = rs.getObject(4) == null ? limits.maxCount() : rs.getInt(4);
                        int maxPercent = rs.getObject(5) == null ? limits.maxPercent() : rs.getInt(5);
                        if (removing > maxCount || removing * 100 > (long) maxPercent * present) {
                            over.add(rs.getString(1) + ": " + removing + " of " + present + " present " + table
                                    + " (limits " + maxCount + ", " + maxPercent + " %)");
                        }
                    }
                }
            }
        }
        if (!over.isEmpty()) {
            throw new HeldException("held: the replay would remove " + String.join("; ", over) + " that the events "
                    + "topic does not derive; nothing was changed. Check that the events topic holds the whole "
                    + "history, then replay with force to apply");
        }
    }

    private static int run(Connection connection, String sql, String organizationId, Instant at) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int next = 1;
            if (at != null) {
                ps.setTimestamp(next++, Timestamp.from(at));
            }
            ps.setString(next++, organizationId);
            ps.setString(next, organizationId);
            return ps.executeUpdate();
        }
    }

    /** The organizations a switch changes: the one named, or all. */
    private static TreeSet<String> organizations(Connection connection, String organizationId) throws SQLException {
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
        return organizations;
    }

    /** The stored counts, recounted from the rows, where they differ. */
    private void recount(Connection connection, TreeSet<String> organizations) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(dialect.recountCounts())) {
            ps.setArray(1, connection.createArrayOf("text", organizations.toArray()));
            ps.executeUpdate();
        }
    }
}
