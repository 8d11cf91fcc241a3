package dev.scimsync.writer.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;

/**
 * Per-organization transaction locks (PostgreSQL advisory locks, released at commit or rollback). Every
 * transaction that changes what an organization's members are or what access they hold takes its organizations'
 * locks first: the writer's batches, a change of group mappings, a provisioning switch, a replay's switch. So such
 * transactions of one organization run one after the other, and each one's reads (a member's memberships, the
 * mappings) see what the one before it committed — concurrent writers of different topics of one organization
 * cannot compute a member's access from each other's half.
 *
 * <p>Locks are taken in the order of their key, so two transactions locking several organizations cannot deadlock
 * on them. The key is {@code (NAMESPACE, hashtext(organization id))}: two organizations whose ids hash alike share
 * a lock, which only serializes them.
 */
public final class OrganizationLocks {

    /** The advisory-lock namespace of scim-sync's organization locks (the first key of the two-int form). */
    public static final int NAMESPACE = 0x5C15_0001;

    static final String LOCK = "SELECT count(pg_advisory_xact_lock(" + NAMESPACE + ", k)) FROM "
            + "(SELECT DISTINCT hashtext(o) AS k FROM unnest(CAST(? AS text[])) AS u(o) ORDER BY k) s";

    private OrganizationLocks() {
    }

    /** Takes the locks of {@code organizationIds} for the rest of the connection's transaction (waits for them). */
    public static void lock(Connection connection, Collection<String> organizationIds) throws SQLException {
        if (organizationIds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement(LOCK)) {
            ps.setArray(1, connection.createArrayOf("text", organizationIds.toArray()));
            ps.executeQuery().close();
        }
    }
}
