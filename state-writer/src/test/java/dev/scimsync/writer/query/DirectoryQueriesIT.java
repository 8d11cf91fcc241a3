package dev.scimsync.writer.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.scimsync.testkit.SharedPostgres;
import dev.scimsync.writer.Database;

/** The console's listings on a migrated database: paging, search, removed members, groups, runs, activity. */
@ExtendWith(SharedPostgres.class)
class DirectoryQueriesIT {

    private static final String ORG = "org_1";
    private static final Instant NOW = Instant.parse("2026-03-01T12:30:00Z");

    private Database database;
    private DirectoryQueries queries;

    @BeforeEach
    void setUp() throws Exception {
        database = Database.connect(SharedPostgres.jdbcUrl(SharedPostgres.newSchema()), SharedPostgres.user(),
                SharedPostgres.password(), 2);
        database.migrate();
        queries = new DirectoryQueries(database.dataSource());
        execute("INSERT INTO organizations (id, name, created_at, updated_at) VALUES (?, 'Acme', ?, ?)", ORG, NOW, NOW);
        execute("INSERT INTO organizations (id, name, created_at, updated_at) VALUES ('org_2', 'Other', ?, ?)", NOW, NOW);
        for (int i = 0; i < 30; i++) {
            member(ORG, "user_" + i, String.format("user%02d@acme.test", i), "User", "Number " + i,
                    NOW.minusSeconds(60L * i), i >= 27 ? NOW : null);
        }
        member(ORG, "user_pct", "100%_sure@acme.test", "Percy", "Cent", NOW, null);
        member("org_2", "user_other", "user00@other.test", "Other", "Person", NOW, null);
        execute("INSERT INTO members (organization_id, source, email, first_name, last_name, state, created_at, "
                + "updated_at) VALUES (?, 'manual', 'manual@acme.test', 'Man', 'Ual', 'active', ?, ?)", ORG, NOW, NOW);
        group("group_a", "Alpha", null);
        group("group_b", "beta", null);
        group("group_gone", "Gone", NOW);
        membership("group_a", "user_1");
        membership("group_a", "user_2");
        membership("group_b", "user_1");
        execute("INSERT INTO sync_runs (id, organization_id, kind, scope, state, started_at, removed, note) "
                + "VALUES ('resync_1', ?, 'resync', 'members', 'completed', ?, 3, 'removed 3 members')", ORG,
                NOW.minusSeconds(600));
        execute("INSERT INTO sync_runs (id, organization_id, kind, scope, state, started_at, dry_run) "
                + "VALUES ('resync_2-dry', ?, 'resync', 'both', 'previewed', ?, true)", ORG, NOW.minusSeconds(60));
        execute("INSERT INTO sync_runs (id, organization_id, kind, state, started_at) "
                + "VALUES ('replay_1', NULL, 'replay', 'completed', ?)", NOW.minusSeconds(300));
        execute("INSERT INTO sync_runs (id, organization_id, kind, state, started_at) "
                + "VALUES ('resync_other', 'org_2', 'resync', 'completed', ?)", NOW);
    }

    @AfterEach
    void tearDown() {
        database.close();
    }

    @Test
    void shouldPagePresentMembersByEmail_WithTheirGroups() throws Exception {
        DirectoryQueries.MemberPage first = queries.members(ORG, DirectoryQueries.MemberFilter.search(null, false), 0, 10);
        assertThat(first.total()).as("27 present directory members, Percy and the manual member").isEqualTo(29);
        assertThat(first.members()).hasSize(10);
        assertThat(first.members().get(0).email()).isEqualTo("100%_sure@acme.test");
        DirectoryQueries.MemberListing user1 = first.members().stream()
                .filter(m -> "user_1".equals(m.directoryUserId())).findFirst().orElseThrow();
        assertThat(user1.groups()).containsExactly("Alpha", "beta");
        DirectoryQueries.MemberPage last = queries.members(ORG, DirectoryQueries.MemberFilter.search(null, false), 2, 10);
        assertThat(last.members()).hasSize(9);
        assertThat(last.members()).extracting(DirectoryQueries.MemberListing::removedAt).containsOnlyNulls();
        assertThat(queries.members(ORG, DirectoryQueries.MemberFilter.search(null, false), 7, 10).total()).as("the total past the last page").isEqualTo(29);
    }

    @Test
    void shouldListRemovedMembersLast_WhenAskedFor() throws Exception {
        DirectoryQueries.MemberPage all = queries.members(ORG, DirectoryQueries.MemberFilter.search(null, true), 0, 200);
        assertThat(all.total()).isEqualTo(32);
        assertThat(all.members().subList(29, 32)).extracting(DirectoryQueries.MemberListing::directoryUserId)
                .containsExactly("user_27", "user_28", "user_29");
    }

    @Test
    void shouldSearchEmailsNamesAndIds_TakingWildcardsLiterally() throws Exception {
        assertThat(queries.members(ORG, DirectoryQueries.MemberFilter.search("USER0", false), 0, 50).total()).isEqualTo(10);
        assertThat(queries.members(ORG, DirectoryQueries.MemberFilter.search("number 12", false), 0, 50).members())
                .extracting(DirectoryQueries.MemberListing::directoryUserId).containsExactly("user_12");
        assertThat(queries.members(ORG, DirectoryQueries.MemberFilter.search("user_pct", false), 0, 50).total()).isEqualTo(1);
        assertThat(queries.members(ORG, DirectoryQueries.MemberFilter.search("100%", false), 0, 50).total()).isEqualTo(1);
        assertThat(queries.members(ORG, DirectoryQueries.MemberFilter.search("%", false), 0, 50).total()).as("% is a character, not a wildcard").isEqualTo(1);
        assertThat(queries.members(ORG, DirectoryQueries.MemberFilter.search("other.test", false), 0, 50).total()).as("another organization's").isZero();
    }

    @Test
    void shouldListPresentGroupsWithMemberCounts() throws Exception {
        assertThat(queries.groups(ORG)).extracting(DirectoryQueries.GroupListing::name,
                DirectoryQueries.GroupListing::members).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Alpha", 2L), org.assertj.core.groups.Tuple.tuple("beta", 1L));
    }

    @Test
    void shouldListTheOrganizationsRunsAndReplaysOfEveryOrganization_NewestFirst() throws Exception {
        List<DirectoryQueries.SyncRun> runs = queries.syncRuns(ORG, 20);
        assertThat(runs).extracting(DirectoryQueries.SyncRun::id).containsExactly("resync_2-dry", "replay_1", "resync_1");
        assertThat(runs.get(0).dryRun()).isTrue();
        assertThat(runs.get(2).removed()).isEqualTo(3L);
        assertThat(queries.syncRuns(ORG, 1)).hasSize(1);
    }

    @Test
    void shouldCountChangesPerMinute_SinceTheGivenTime() throws Exception {
        Map<Instant, Long> minutes = queries.changesPerMinute(ORG, NOW.minusSeconds(5 * 60));
        // user_0..user_5 changed 0..5 minutes before NOW, one a minute; the 3 removed members, Percy and the 3
        // memberships at NOW; the manual member has no version, the groups are older, org_2 is not counted
        assertThat(minutes.get(NOW.minusSeconds(30))).isNull();
        assertThat(minutes.get(Instant.parse("2026-03-01T12:30:00Z"))).isEqualTo(1 + 3 + 1 + 3);
        assertThat(minutes.get(Instant.parse("2026-03-01T12:29:00Z"))).isEqualTo(1);
        assertThat(minutes.get(Instant.parse("2026-03-01T12:25:00Z"))).isEqualTo(1);
        assertThat(minutes.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(6 + 3 + 1 + 3);
    }

    private void member(String org, String id, String email, String first, String last, Instant version,
                        Instant removedAt) throws SQLException {
        execute("INSERT INTO members (organization_id, source, directory_user_id, directory_id, email, first_name, "
                + "last_name, state, version_at, version_event_id, created_at, updated_at, removed_at) "
                + "VALUES (?, 'directory', ?, 'directory_1', ?, ?, ?, 'active', ?, 'event_1', ?, ?, ?)",
                org, id, email, first, last, removedAt != null ? removedAt : version, version, version, removedAt);
    }

    private void group(String id, String name, Instant removedAt) throws SQLException {
        Instant old = NOW.minusSeconds(7200);
        execute("INSERT INTO groups (organization_id, directory_group_id, directory_id, name, version_at, "
                + "version_event_id, created_at, updated_at, removed_at) VALUES (?, ?, 'directory_1', ?, ?, 'event_1', ?, ?, ?)",
                ORG, id, name, old, old, old, removedAt);
    }

    private void membership(String groupId, String userId) throws SQLException {
        execute("INSERT INTO group_memberships (organization_id, directory_group_id, directory_user_id, version_at, "
                + "version_event_id, created_at, updated_at) VALUES (?, ?, ?, ?, 'event_1', ?, ?)",
                ORG, groupId, userId, NOW, NOW, NOW);
    }

    private void execute(String sql, Object... parameters) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                Object p = parameters[i];
                ps.setObject(i + 1, p instanceof Instant instant ? Timestamp.from(instant) : p);
            }
            ps.executeUpdate();
        }
    }
}
