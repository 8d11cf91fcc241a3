package dev.scimsync.writer.apply;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.core.model.SyncStatus;
import dev.scimsync.core.model.Version;
import dev.scimsync.writer.db.TransientErrors;

/**
 * Tells the database's fault from the data's: when every change of a table failed alone, the same statements
 * are run for a known-good change of that table (plain values, an organization of its own) in a savepoint that
 * is always rolled back. If it fails too, the table refuses everything (a new constraint, trigger or column type)
 * and the batch must stop; if it passes, the failed changes were bad data, however many the batch held.
 */
final class KnownGoodProbe {

    static final String ORGANIZATION = "scim-sync-probe";
    private static final Instant AT = Instant.parse("2000-01-01T00:00:00Z");
    private static final Version VERSION = new Version(AT, "event_probe");

    private final ChangeStatements statements;

    KnownGoodProbe(ChangeStatements statements) {
        this.statements = statements;
    }

    /**
     * Runs the known-good change of {@code table}; nothing of it stays.
     *
     * @return null when the table accepts it, else the database's error
     */
    SQLException tryTable(Connection connection, String table, OrganizationRows organizations) throws SQLException {
        StateChange probe = changeFor(table);
        Savepoint savepoint = connection.setSavepoint();
        try (LaneBatcher lanes = new LaneBatcher(connection)) {
            organizations.ensure(connection, probe);
            for (Operation operation : statements.operationsFor(probe)) {
                lanes.add(operation, count -> { });
            }
            lanes.flushAll();
            return null;
        } catch (SQLException e) {
            if (TransientErrors.isRetryable(e)) {
                throw e; // a deadlock or a lost connection says nothing of the table: the batch is retried
            }
            return e;
        } finally {
            connection.rollback(savepoint);
        }
    }

    /** What ensures a change's organization row exists (the writer's own statement). */
    @FunctionalInterface
    interface OrganizationRows {
        void ensure(Connection connection, StateChange change) throws SQLException;
    }

    static StateChange changeFor(String table) {
        ConsumerRecord<byte[], byte[]> source = new ConsumerRecord<>("probe", 0, 0L, null, null);
        Object value = switch (table) {
            case "members" -> new Member(ORGANIZATION, "directory_user_probe", "directory_probe", "probe",
                    "probe@example.invalid", "Probe", "Probe", "active", null, null, VERSION, AT, false);
            case "groups" -> new Group(ORGANIZATION, "directory_group_probe", "directory_probe", "probe", "Probe",
                    VERSION, AT, false);
            case "group_memberships" -> new Membership(ORGANIZATION, "directory_group_probe", "directory_user_probe",
                    "directory_probe", VERSION, AT, false);
            case "sync_status" -> new SyncStatus(ORGANIZATION, "event_probe", AT, AT, 0, 0, 0, null, null, 0, AT);
            default -> throw new IllegalArgumentException("no known-good change for table " + table);
        };
        return new StateChange(source, value);
    }
}
