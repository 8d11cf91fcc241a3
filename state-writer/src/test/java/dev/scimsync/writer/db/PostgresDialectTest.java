package dev.scimsync.writer.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class PostgresDialectTest {

    private static final String GUARD =
            "WHERE (excluded.version_at, excluded.version_event_id) > (t.version_at, t.version_event_id)";

    private final PostgresDialect dialect = new PostgresDialect();

    @Test
    void shouldUpsertMember_OnThePartialUniqueIndex_GuardedByVersion() {
        assertThat(dialect.upsertMember())
                .startsWith("INSERT INTO members AS t (organization_id, directory_user_id, source, ")
                .contains("VALUES (?, ?, 'directory', ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?, ?, ?, ?, NULL) ")
                .contains("ON CONFLICT (organization_id, directory_user_id) WHERE directory_user_id IS NOT NULL DO UPDATE SET ")
                .contains("removed_at = NULL ")
                .endsWith(GUARD);
        assertThat(dialect.upsertMember()).doesNotContain("created_at =");
    }

    @Test
    void shouldRemoveMember_KeepingFirstRemovalTime_AndSparingThePrimaryOwner() {
        assertThat(dialect.removeMember())
                .contains("removed_at = COALESCE(t.removed_at, excluded.removed_at)")
                .contains(GUARD + " AND t.id IS DISTINCT FROM (SELECT o.primary_owner_member_id FROM organizations o "
                        + "WHERE o.id = t.organization_id)")
                .doesNotContain("DELETE");
        // a removal does not overwrite what is known of the member
        assertThat(dialect.removeMember()).doesNotContain("email = excluded.email");
    }

    @Test
    void shouldUpsertAndRemoveGroups_OnTheirKey_GuardedByVersion() {
        assertThat(dialect.upsertGroup())
                .contains("ON CONFLICT (organization_id, directory_group_id) DO UPDATE SET ")
                .contains("removed_at = NULL ")
                .endsWith(GUARD);
        assertThat(dialect.removeGroup())
                .contains("removed_at = COALESCE(t.removed_at, excluded.removed_at)")
                .endsWith(GUARD);
    }

    @Test
    void shouldAddMembership_UnlessANewerRemovalIsRecorded() {
        String sql = dialect.addMembership();
        assertThat(sql)
                .startsWith("WITH v (organization_id, directory_group_id, directory_user_id, directory_id, version_at, "
                        + "version_event_id) AS (VALUES (?, ?, ?, ?, CAST(? AS timestamptz), ?)), ")
                .contains("cleared AS (DELETE FROM group_membership_removals r USING v WHERE ")
                .contains("AND (r.version_at, r.version_event_id) < (v.version_at, v.version_event_id)) ")
                .contains("WHERE NOT EXISTS (SELECT 1 FROM group_membership_removals r WHERE ")
                .contains("AND (r.version_at, r.version_event_id) >= (v.version_at, v.version_event_id)) ")
                .contains("ON CONFLICT (organization_id, directory_group_id, directory_user_id) DO UPDATE SET ")
                .endsWith(GUARD);
    }

    @Test
    void shouldRemoveMembership_DeletingOnlyOlderRows_AndRecordingTheRemovalVersion() {
        String sql = dialect.removeMembership();
        assertThat(sql)
                .contains("ended AS (DELETE FROM group_memberships m USING v WHERE ")
                .contains("AND (m.version_at, m.version_event_id) < (v.version_at, v.version_event_id)) ")
                .contains("INSERT INTO group_membership_removals AS t ")
                .contains("WHERE NOT EXISTS (SELECT 1 FROM group_memberships m WHERE ")
                .endsWith(GUARD);
    }

    @Test
    void shouldWriteManyRowsAtOnce_WithTheSameConflictHandlingAsOneRow() {
        assertThat(dialect.upsertMembers())
                .startsWith("INSERT INTO members AS t (organization_id, directory_user_id, source, ")
                .contains("SELECT v.organization_id, v.directory_user_id, 'directory', ")
                .contains("CAST(v.roles AS jsonb), CAST(v.custom_attributes AS jsonb), v.version_at, v.version_event_id, "
                        + "v.version_at, v.version_at, NULL FROM unnest(CAST(? AS text[]), ")
                .contains(", CAST(? AS timestamptz[]), CAST(? AS text[])) AS v(organization_id, directory_user_id, ")
                .endsWith(GUARD + " RETURNING t.organization_id, t.directory_user_id, "
                        + "CAST(t.removed_at IS NULL AS integer) - CAST(COALESCE((SELECT b.removed_at IS NULL FROM members b "
                        + "WHERE b.id = t.id), false) AS integer) AS present_delta");
        assertThat(dialect.removeMembers()).endsWith(dialect.upsertMembers().substring(dialect.upsertMembers().indexOf(" RETURNING")));
        assertThat(dialect.removeMembers()).contains("v.version_at, v.version_at, v.version_at FROM unnest(");
        assertThat(dialect.upsertGroups()).contains("v.version_at, v.version_at, NULL FROM unnest(")
                .contains(GUARD + " RETURNING t.organization_id, t.directory_group_id, CAST(t.removed_at IS NULL AS integer) - ")
                .endsWith("WHERE b.organization_id = t.organization_id AND b.directory_group_id = t.directory_group_id), "
                        + "false) AS integer) AS present_delta");
        assertThat(dialect.removeGroups()).contains("v.version_at, v.version_at, v.version_at FROM unnest(");
        assertThat(dialect.addMemberships())
                .startsWith("WITH v AS (SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), "
                        + "CAST(? AS text[]), CAST(? AS timestamptz[]), CAST(? AS text[])) AS u(organization_id, "
                        + "directory_group_id, directory_user_id, directory_id, version_at, version_event_id)), ")
                .contains(GUARD + " RETURNING t.organization_id, t.directory_group_id, t.directory_user_id, 1 - CAST((SELECT true FROM group_memberships b ")
                .endsWith(" AS present_delta");
        assertThat(dialect.removeMemberships())
                .contains(GUARD + " RETURNING t.organization_id, t.directory_group_id, t.directory_user_id, 0 - CAST((SELECT true FROM group_memberships b ");
        assertThat(dialect.removeMemberships()).startsWith(dialect.addMemberships().substring(0, 200));

        // the part after the rows is the single-row statement's, word for word
        assertThat(dialect.upsertMembers()).contains(tail(dialect.upsertMember(), "ON CONFLICT"));
        assertThat(dialect.removeMembers()).contains(tail(dialect.removeMember(), "ON CONFLICT"));
        assertThat(dialect.upsertGroups()).contains(tail(dialect.upsertGroup(), "ON CONFLICT"));
        assertThat(dialect.removeGroups()).contains(tail(dialect.removeGroup(), "ON CONFLICT"));
        assertThat(dialect.addMemberships()).contains(tail(dialect.addMembership(), "cleared AS"));
        assertThat(dialect.removeMemberships()).contains(tail(dialect.removeMembership(), "ended AS"));
    }

    @Test
    void shouldCountArrayParameters_AsTheMultiRowWriterExpects() {
        assertThat(placeholders(dialect.upsertMembers())).isEqualTo(12);
        assertThat(placeholders(dialect.removeMembers())).isEqualTo(12);
        assertThat(placeholders(dialect.upsertGroups())).isEqualTo(7);
        assertThat(placeholders(dialect.removeGroups())).isEqualTo(7);
        assertThat(placeholders(dialect.addMemberships())).isEqualTo(6);
        assertThat(placeholders(dialect.removeMemberships())).isEqualTo(6);
    }

    @Test
    void shouldCountParameters_AsTheBindersExpect() {
        assertThat(placeholders(dialect.upsertMember())).isEqualTo(14);
        assertThat(placeholders(dialect.removeMember())).isEqualTo(15);
        assertThat(placeholders(dialect.upsertGroup())).isEqualTo(9);
        assertThat(placeholders(dialect.removeGroup())).isEqualTo(10);
        assertThat(placeholders(dialect.addMembership())).isEqualTo(6);
        assertThat(placeholders(dialect.removeMembership())).isEqualTo(6);
        assertThat(placeholders(dialect.upsertProcessorStatus())).isEqualTo(12);
        assertThat(placeholders(dialect.upsertResyncRun())).isEqualTo(12);
        assertThat(placeholders(dialect.ensureOrganization())).isEqualTo(3);
        assertThat(placeholders(dialect.advanceOffset())).isEqualTo(5);
        assertThat(placeholders(dialect.insertOffset())).isEqualTo(4);
    }

    @Test
    void shouldOnlyMoveOffsets_FromTheExpectedValue() {
        assertThat(dialect.advanceOffset()).isEqualTo("UPDATE writer_offsets SET next_offset = ? WHERE consumer_group = ? "
                + "AND topic = ? AND partition = ? AND next_offset = ?");
        assertThat(dialect.insertOffset()).endsWith("ON CONFLICT DO NOTHING");
    }

    private static final String ORGANIZATION_CONFLICT = "ON CONFLICT (id) DO UPDATE SET "
            + "created_at = LEAST(t.created_at, excluded.created_at), updated_at = GREATEST(t.updated_at, excluded.updated_at) "
            + "WHERE excluded.created_at < t.created_at OR excluded.updated_at > t.updated_at";

    @Test
    void shouldOnlyMoveOrganizationCreationBack_AndUpdateForward() {
        assertThat(dialect.ensureOrganization()).endsWith(ORGANIZATION_CONFLICT);
    }

    @Test
    void shouldEnsureManyOrganizations_InTheGivenOrder_OnlyMovingCreationBackAndUpdateForward() {
        assertThat(dialect.ensureOrganizations())
                .contains("SELECT o.id, 'scim', o.created_at, o.updated_at FROM unnest(CAST(? AS text[]), "
                        + "CAST(? AS timestamptz[]), CAST(? AS timestamptz[])) WITH ORDINALITY AS o(id, created_at, updated_at, n) "
                        + "ORDER BY o.n ")
                .endsWith(ORGANIZATION_CONFLICT);
        assertThat(placeholders(dialect.ensureOrganizations())).isEqualTo(3);
    }

    @Test
    void shouldApplyStatus_OnlyWhenLaterByCountingSinceThenAppliedEvents() {
        assertThat(dialect.upsertProcessorStatus())
                .contains("processor_applied_events, processor_counting_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ")
                .contains("processor_applied_events = excluded.processor_applied_events, "
                        + "processor_counting_since = excluded.processor_counting_since WHERE ")
                // a restarted count (later countingSince) wins over a larger old count; a null countingSince is
                // the oldest; a row without a stored status always takes one
                .endsWith("WHERE t.processor_applied_events IS NULL "
                        + "OR (COALESCE(excluded.processor_counting_since, CAST('-infinity' AS timestamptz)), "
                        + "excluded.processor_applied_events) > (COALESCE(t.processor_counting_since, "
                        + "CAST('-infinity' AS timestamptz)), t.processor_applied_events)")
                .doesNotContain("OR excluded.processor_applied_events > t.processor_applied_events")
                .doesNotContain("last_event_created_at, '-infinity'");
        assertThat(dialect.addToCounts())
                .contains("WITH ORDINALITY AS d(organization_id, members, groups, memberships, n) ORDER BY d.n ")
                .contains("SET members = t.members + excluded.members, groups = t.groups + excluded.groups, "
                        + "memberships = t.memberships + excluded.memberships ")
                .endsWith("WHERE (excluded.members, excluded.groups, excluded.memberships) <> (0, 0, 0)");
        assertThat(placeholders(dialect.addToCounts())).isEqualTo(4);
        assertThat(dialect.recountCounts())
                .contains("FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS o(id, n) ORDER BY o.n ")
                .endsWith("WHERE (t.members, t.groups, t.memberships) IS DISTINCT FROM "
                        + "(excluded.members, excluded.groups, excluded.memberships)");
        assertThat(dialect.upsertResyncRun()).endsWith("WHERE t.state = 'running' AND t.state IS DISTINCT FROM excluded.state");
    }

    @Test
    void shouldNeverUseTheWallClock_InAnyStatement() throws Exception {
        for (String sql : allStatements()) {
            assertThat(sql.toLowerCase()).doesNotContain("now()").doesNotContain("current_timestamp")
                    .doesNotContain("clock_timestamp");
        }
    }

    private List<String> allStatements() throws Exception {
        List<String> statements = new ArrayList<>();
        for (Method method : PostgresDialect.class.getDeclaredMethods()) {
            if (java.lang.reflect.Modifier.isPublic(method.getModifiers()) && method.getParameterCount() == 0
                    && method.getReturnType() == String.class) {
                statements.add((String) method.invoke(dialect));
            }
        }
        assertThat(statements).hasSizeGreaterThanOrEqualTo(15);
        return statements;
    }

    private static String tail(String sql, String from) {
        return sql.substring(sql.indexOf(from));
    }

    private static int placeholders(String sql) {
        return (int) sql.chars().filter(c -> c == '?').count();
    }
}
