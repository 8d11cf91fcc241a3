package dev.scimsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.scimsync.emulator.CreatedDirectory;
import dev.scimsync.emulator.EmulatorAdminClient;
import dev.scimsync.emulator.model.DirectorySnapshot;
import dev.scimsync.testkit.SharedKafka;
import dev.scimsync.testkit.SharedPostgres;

/**
 * What the end-to-end tests share: the environment of a whole pipeline on the shared broker and database (its own
 * topics, groups and schema) against a WorkOS, and reads of the test's schema.
 */
public final class TestPipeline {

    private TestPipeline() {
    }

    /** Every stage on the shared broker and database, under {@code prefix}, in {@code schema}, against WorkOS. */
    public static Map<String, String> environment(String prefix, String schema, String workosApiKey,
                                                  String workosBaseUrl, Path dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("SCIM_SYNC_KAFKA_BOOTSTRAP", SharedKafka.bootstrapServers());
        env.put("SCIM_SYNC_DB_URL", SharedPostgres.jdbcUrl(schema));
        env.put("SCIM_SYNC_DB_USER", SharedPostgres.user());
        if (!SharedPostgres.password().isEmpty()) {
            env.put("SCIM_SYNC_DB_PASSWORD", SharedPostgres.password());
        }
        env.put("WORKOS_API_KEY", workosApiKey);
        env.put("WORKOS_API_BASE_URL", workosBaseUrl);
        env.put("SCIM_SYNC_TOPIC_PREFIX", prefix);
        env.put("SCIM_SYNC_PARTITIONS", "3");
        env.put("SCIM_SYNC_HTTP_PORT", "0");
        env.put("SCIM_SYNC_DATA_DIR", dataDir.toString());
        env.put("SCIM_SYNC_POLL_INTERVAL", "PT0.2S");
        env.put("SCIM_SYNC_PROCESSOR_APPLICATION_ID", prefix + "processor");
        env.put("SCIM_SYNC_WRITER_GROUP_ID", prefix + "writer");
        env.put("SCIM_SYNC_POLLER_TRANSACTIONAL_ID", prefix + "poller");
        return env;
    }

    /**
     * Asserts that the organization's present members, groups and memberships in {@code schema} are exactly the
     * directory's in the emulator (ids, emails, names, states; group names; pairs).
     */
    public static void assertDatabaseEquals(EmulatorAdminClient idp, String schema, CreatedDirectory directory)
            throws Exception {
        assertDatabaseEquals(idp, inSharedPostgres(schema), directory);
    }

    /** As {@link #assertDatabaseEquals(EmulatorAdminClient, String, CreatedDirectory)}, in any database. */
    public static void assertDatabaseEquals(EmulatorAdminClient idp, Connections database, CreatedDirectory directory)
            throws Exception {
        DirectorySnapshot snapshot = idp.snapshot(directory.id());
        Set<List<String>> members = new HashSet<>();
        snapshot.users().forEach(u -> members.add(List.of(u.id(), u.email(), u.firstName(), u.lastName(), u.state())));
        Set<List<String>> groups = new HashSet<>();
        snapshot.groups().forEach(g -> groups.add(List.of(g.id(), g.name())));
        Set<List<String>> memberships = new HashSet<>();
        snapshot.memberships().forEach(m -> memberships.add(List.of(m.groupId(), m.userId())));
        String org = directory.organizationId();
        assertThat(rows(database, "SELECT directory_user_id, email, first_name, last_name, state FROM members "
                + "WHERE removed_at IS NULL AND organization_id = '" + org + "'")).isEqualTo(members);
        assertThat(rows(database, "SELECT directory_group_id, name FROM groups WHERE removed_at IS NULL "
                + "AND organization_id = '" + org + "'")).isEqualTo(groups);
        assertThat(rows(database, "SELECT directory_group_id, directory_user_id FROM group_memberships "
                + "WHERE organization_id = '" + org + "'")).isEqualTo(memberships);
    }

    /** The rows {@code sql} returns in {@code schema}, each as its columns' text. */
    public static Set<List<String>> rows(String schema, String sql) throws Exception {
        return rows(inSharedPostgres(schema), sql);
    }

    /** The rows {@code sql} returns, each as its columns' text. */
    public static Set<List<String>> rows(Connections database, String sql) throws Exception {
        Set<List<String>> rows = new HashSet<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static Connections inSharedPostgres(String schema) {
        return () -> SharedPostgres.connect(SharedPostgres.jdbcUrl(schema));
    }

    /** Where the organization database is: a new connection each time. */
    @FunctionalInterface
    public interface Connections {
        Connection connect() throws SQLException;
    }
}
