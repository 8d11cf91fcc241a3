package dev.scimsync.writer.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.scimsync.testkit.SharedPostgres;
import dev.scimsync.writer.Database;

/**
 * A replay's shadow tables are unlogged and without foreign keys, and the switch refuses a shadow that a restart of the
 * server may have emptied.
 */
@ExtendWith(SharedPostgres.class)
class UnloggedShadowIT {

    private static final ShadowSwitch.RemovalLimits LIMITS = new ShadowSwitch.RemovalLimits(1_000, 100);

    private String liveSchema;
    private String shadowSchema;
    private Database live;

    @BeforeEach
    void setUp() {
        liveSchema = SharedPostgres.newSchema();
        shadowSchema = SharedPostgres.newSchema();
        live = Database.connect(SharedPostgres.jdbcUrl(liveSchema), SharedPostgres.user(), SharedPostgres.password(),
                2);
        live.migrate();
        Database.migrate(live.dataSource(), shadowSchema);
    }

    @AfterEach
    void tearDown() throws SQLException {
        execute("DROP SCHEMA IF EXISTS " + shadowSchema + " CASCADE");
        execute("DROP SCHEMA IF EXISTS " + liveSchema + " CASCADE");
        live.close();
    }

    @Test
    void shouldMakeEveryShadowTableUnloggedWithoutForeignKeys_AndLeaveTheLiveOnes_AndSwitchFromIt() throws Exception {
        new ShadowSwitch(live.dataSource(), shadowSchema).prepareShadow();

        assertThat(persistence(shadowSchema)).isNotEmpty().allMatch(p -> p.endsWith("=u"));
        assertThat(persistence(liveSchema)).isNotEmpty().allMatch(p -> p.endsWith("=p"));
        // the shadow's foreign keys are gone, the live ones stay: the switch refuses a row naming no organization
        assertThat(foreignKeys(shadowSchema)).isEmpty();
        assertThat(foreignKeys(liveSchema)).contains("groups.groups_organization_id_fkey",
                "members.members_organization_id_fkey");

        ShadowSwitch shadow = new ShadowSwitch(live.dataSource(), shadowSchema);
        shadow.prepareShadow(); // nothing left to change: a no-op
        insertOrganization(shadowSchema, "org_1");
        insertGroup(shadowSchema, "org_1", "g1");
        ShadowSwitch.Changes changes = shadow.apply(null, Instant.now(), LIMITS, false, "replay-test");

        assertThat(changes.byTable().get("groups")[0]).isEqualTo(1);
        assertThat(count(liveSchema, "groups")).isEqualTo(1);

        // a shadow row whose organization the shadow lacks (the writer never makes one): the live key refuses it
        insertGroup(shadowSchema, "org_missing", "g2");
        assertThatThrownBy(() -> shadow.apply(null, Instant.now(), LIMITS, false, "replay-test"))
                .isInstanceOf(SQLException.class).hasMessageContaining("foreign key");
        assertThat(count(liveSchema, "groups")).isEqualTo(1);
    }

    @Test
    void shouldRefuseToSwitch_WhenTheServerRestartedSinceTheShadowWasMadeUnlogged() throws Exception {
        ShadowSwitch shadow = new ShadowSwitch(live.dataSource(), shadowSchema);
        shadow.prepareShadow();
        insertOrganization(shadowSchema, "org_1");
        insertGroup(shadowSchema, "org_1", "g1");
        shadow.assumeUnloggedSince(Instant.EPOCH); // as if the server had started again (crash recovery empties them)

        assertThatThrownBy(() -> shadow.apply(null, Instant.now(), LIMITS, true, "replay-test"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PostgreSQL restarted during the replay")
                .hasMessageContaining("nothing was switched");
        assertThat(count(liveSchema, "groups")).isZero();
        assertThat(count(liveSchema, "organizations")).isZero();
    }

    private List<String> persistence(String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = SharedPostgres.connect(SharedPostgres.jdbcUrl(schema));
             PreparedStatement select = c.prepareStatement("SELECT c.relname, c.relpersistence FROM pg_class c"
                     + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind = 'r'")) {
            select.setString(1, schema);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    tables.add(rows.getString(1) + "=" + rows.getString(2));
                }
            }
        }
        return tables;
    }

    /** table.constraint of every foreign key in {@code schema}. */
    private List<String> foreignKeys(String schema) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Connection c = SharedPostgres.connect(SharedPostgres.jdbcUrl(schema));
             PreparedStatement select = c.prepareStatement("SELECT c.relname || '.' || k.conname FROM pg_constraint k"
                     + " JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                     + " WHERE n.nspname = ? AND k.contype = 'f' ORDER BY 1")) {
            select.setString(1, schema);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getString(1));
                }
            }
        }
        return keys;
    }

    private void insertOrganization(String schema, String id) throws SQLException {
        execute("INSERT INTO " + schema + ".organizations (id, name, created_at, updated_at) VALUES ('" + id
                + "', 'Org', now(), now())");
    }

    private void insertGroup(String schema, String organizationId, String groupId) throws SQLException {
        execute("INSERT INTO " + schema + ".groups (organization_id, directory_group_id, name, version_at, "
                + "version_event_id, created_at, updated_at) VALUES ('" + organizationId + "', '" + groupId
                + "', 'Engineering', now(), 'event_1', now(), now())");
    }

    private long count(String schema, String table) throws SQLException {
        try (Connection c = SharedPostgres.connect(SharedPostgres.jdbcUrl(schema)); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + "." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = SharedPostgres.connect(SharedPostgres.jdbcUrl(liveSchema));
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
