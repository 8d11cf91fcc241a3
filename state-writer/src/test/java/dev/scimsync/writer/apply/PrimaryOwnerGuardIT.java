package dev.scimsync.writer.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Version;
import dev.scimsync.testkit.SharedPostgres;
import dev.scimsync.writer.Database;
import dev.scimsync.writer.db.PostgresDialect;

/**
 * The SQL guard that spares the Primary Owner, on its own: {@link BatchWriter} skips such a removal before
 * any SQL runs, so here the removal statements are run directly, as the batch and the record-by-record
 * paths run them, without that check.
 */
@ExtendWith(SharedPostgres.class)
class PrimaryOwnerGuardIT {

    private static final String ORG = "org_1";
    private static final Instant T1 = Instant.parse("2026-01-01T00:00:01Z");
    private static final Instant T5 = Instant.parse("2026-01-01T00:00:05Z");

    private final PostgresDialect dialect = new PostgresDialect();
    private String schema;
    private Database database;

    @BeforeEach
    void setUp() throws Exception {
        schema = SharedPostgres.newSchema();
        database = Database.connect(SharedPostgres.jdbcUrl(schema), SharedPostgres.user(), SharedPostgres.password(), 2);
        database.migrate();
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO organizations (id, created_at, updated_at) VALUES ('" + ORG + "', '" + T1 + "', '" + T1 + "')");
            c.setAutoCommit(false);
            new MultiRowWriter(dialect).apply(c, List.of(pending(0, member("owner", T1, false)),
                    pending(1, member("other", T1, false))), new boolean[2], new CountChanges());
            s.execute("UPDATE organizations SET primary_owner_member_id = (SELECT id FROM members WHERE directory_user_id = 'owner')");
            c.commit();
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        database.close();
        try (Connection c = SharedPostgres.connect(SharedPostgres.baseUrl()); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Test
    void shouldNotRemoveThePrimaryOwner_WithTheMultiRowStatement_EvenWithoutTheJavaCheck() throws Exception {
        boolean[] applied = new boolean[2];
        CountChanges counts = new CountChanges();
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            new MultiRowWriter(dialect).apply(c, List.of(pending(0, member("owner", T5, true)),
                    pending(1, member("other", T5, true))), applied, counts);
            c.commit();
        }

        assertThat(applied).containsExactly(false, true);
        assertThat(removedAt("owner")).isNull();
        assertThat(removedAt("other")).isNotNull();
        assertThat(counts.columns()[1]).as("only the other member left the count").containsExactly(-1L);
    }

    @Test
    void shouldNotRemoveThePrimaryOwner_WithTheSingleRowStatement_EvenWithoutTheJavaCheck() throws Exception {
        int[] count = new int[1];
        try (Connection c = database.dataSource().getConnection(); LaneBatcher lanes = new LaneBatcher(c)) {
            c.setAutoCommit(false);
            StateChange removal = change(member("owner", T5, true));
            lanes.add(new ChangeStatements(dialect).operationsFor(removal).get(0), n -> count[0] = n);
            lanes.flushAll();
            c.commit();
        }

        assertThat(count[0]).isZero();
        assertThat(removedAt("owner")).isNull();
    }

    private Object removedAt(String directoryUserId) throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT removed_at FROM members WHERE directory_user_id = '" + directoryUserId + "'")) {
            assertThat(rs.next()).isTrue();
            return rs.getObject(1);
        }
    }

    private static Member member(String directoryUserId, Instant at, boolean removed) {
        return new Member(ORG, directoryUserId, "directory_1", "idp_" + directoryUserId, directoryUserId + "@example.com",
                "Jane", "Doe", "active", null, null, new Version(at, "event_" + at.getEpochSecond()), at, removed);
    }

    private static StateChange change(Member m) {
        return new StateChange(new ConsumerRecord<>("members", 0, 0L, new byte[0], new byte[0]), m);
    }

    private static MultiRowWriter.Pending pending(int index, Member m) {
        return new MultiRowWriter.Pending(index, change(m));
    }
}
