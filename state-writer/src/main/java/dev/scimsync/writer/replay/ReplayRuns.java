package dev.scimsync.writer.replay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

import javax.sql.DataSource;

/** Replays in {@code sync_runs} (kind {@code replay}): one row per replay, its state, counts and what it changed. */
public final class ReplayRuns {

    private final DataSource dataSource;

    public ReplayRuns(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void started(String replayId, String organizationId, Instant at) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO sync_runs (id, organization_id, kind, state, started_at) VALUES (?, ?, 'replay', ?, ?)")) {
            ps.setString(1, replayId);
            ps.setString(2, organizationId);
            ps.setString(3, "rebuilding");
            ps.setTimestamp(4, Timestamp.from(at));
            ps.executeUpdate();
        }
    }

    /**
     * Marks failed every replay a stopped instance left unfinished ({@code rebuilding} or {@code switching}): its
     * switch never committed, or it would say {@code completed}.
     */
    public int failUnfinished(Instant at) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE sync_runs SET state = 'failed', finished_at = ?, note = 'interrupted: the instance stopped "
                        + "before the replay ended (nothing was switched)' WHERE kind = 'replay' "
                        + "AND state IN ('queued', 'rebuilding', 'switching')")) {
            ps.setTimestamp(1, Timestamp.from(at));
            return ps.executeUpdate();
        }
    }

    /** Ends the run with its state, the scope's present rows and a note (what changed, or why it failed). */
    public void finished(String replayId, String organizationId, String state, Instant at, String note)
            throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE sync_runs SET state = ?, finished_at = ?, note = ?, "
                        + "members = (SELECT count(*) FROM members WHERE source = 'directory' AND removed_at IS NULL "
                        + "AND (CAST(? AS text) IS NULL OR organization_id = ?)), "
                        + "groups = (SELECT count(*) FROM groups WHERE removed_at IS NULL "
                        + "AND (CAST(? AS text) IS NULL OR organization_id = ?)), "
                        + "memberships = (SELECT count(*) FROM group_memberships "
                        + "WHERE CAST(? AS text) IS NULL OR organization_id = ?) WHERE id = ?")) {
            ps.setString(1, state);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setString(3, note);
            for (int i = 4; i <= 9; i++) {
                ps.setString(i, organizationId);
            }
            ps.setString(10, replayId);
            ps.executeUpdate();
        }
    }
}
