package dev.scimsync.writer.apply;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.scimsync.core.model.Member;
import dev.scimsync.writer.db.PostgresDialect;

/**
 * The writer's own guarded member upsert ({@link MultiRowWriter}, the statements of {@link PostgresDialect}), for
 * present directory users that reach the database other than through the state topics: the users a provisioning
 * switch scanned. A row as new as the member, or newer, is left as it is; so is a manual row. The caller holds the
 * organization's lock and recounts.
 */
public final class DirectoryMemberUpserts {

    private DirectoryMemberUpserts() {
    }

    /** Upserts the members, keys distinct, in the connection's transaction. */
    public static void upsert(Connection connection, List<Member> members) throws SQLException {
        if (members.isEmpty()) {
            return;
        }
        List<MultiRowWriter.Pending> pending = new ArrayList<>(members.size());
        for (Member member : members) {
            pending.add(new MultiRowWriter.Pending(pending.size(), new StateChange(null, member)));
        }
        new MultiRowWriter(new PostgresDialect()).apply(connection, pending, new boolean[members.size()],
                new CountChanges());
    }
}
