package dev.scimsync.writer;

import static dev.scimsync.writer.Fixtures.aGroup;
import static dev.scimsync.writer.Fixtures.aMember;
import static dev.scimsync.writer.Fixtures.aMembership;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.scimsync.core.topic.Topics;
import dev.scimsync.testkit.SharedPostgres;
import dev.scimsync.writer.access.GroupMappingService;
import dev.scimsync.writer.access.GroupMappingSet;
import dev.scimsync.writer.access.GroupMappingSet.CustomRole;
import dev.scimsync.writer.access.GroupMappingSet.Defaults;
import dev.scimsync.writer.access.GroupMappingSet.Mapping;
import dev.scimsync.writer.access.GroupMappingSet.SpendLimit;
import dev.scimsync.writer.access.GroupSync;
import dev.scimsync.writer.apply.BatchWriter;
import dev.scimsync.writer.apply.RecordDecoder;
import dev.scimsync.writer.db.PostgresDialect;
import dev.scimsync.writer.db.Retry;
import dev.scimsync.writer.metrics.WriterMetrics;
import dev.scimsync.writer.offsets.OffsetStore;

/**
 * Group mappings deciding access, through the writer's batches and the group sync, on a real PostgreSQL: the rules
 * of docs/database.md ("Access"), each on the smallest directory that shows it.
 */
@ExtendWith(SharedPostgres.class)
class AccessIT {

    private static final String ORG = "org_access";
    private final Topics topics = new Topics("acc.");
    private TestDatabase db;
    private BatchWriter writer;
    private GroupMappingService mappings;
    private TopicLog log;
    private int written;
    private long event = 1;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.create();
        writer = new BatchWriter(db.dataSource(), new RecordDecoder(topics), new OffsetStore(new PostgresDialect(), "w"),
                new Retry(3, Duration.ofMillis(10), Duration.ofMillis(50), dev.scimsync.writer.db.TransientErrors::isRetryable,
                        d -> { }), letters -> { }, new WriterMetrics(new SimpleMeterRegistry(), Clock.systemUTC()));
        mappings = new GroupMappingService(db.dataSource(), 20, 5, Clock.systemUTC());
        log = new TopicLog(topics, 1);
        // five members, three groups: admins (u1, u2), analysts (u1, u3), finance (u3, u4); u5 in none
        for (int u = 1; u <= 5; u++) {
            log.member(aMember(ORG, "u" + u).withEmail("u" + u + "@example.com").at(event++).build());
        }
        for (String g : List.of("admins", "analysts", "finance")) {
            log.group(aGroup(ORG, g).named(g).at(event++).build());
        }
        join("admins", "u1");
        join("admins", "u2");
        join("analysts", "u1");
        join("analysts", "u3");
        join("finance", "u3");
        join("finance", "u4");
        writeNew();
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    private void join(String group, String user) {
        log.membership(aMembership(ORG, group, user).at(event++).build());
    }

    private void leave(String group, String user) {
        log.membership(aMembership(ORG, group, user).removed().at(event++).build());
    }

    private void writeNew() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> all = log.consumerRecords();
        writer.write(new ArrayList<>(all.subList(written, all.size())));
        written = all.size();
    }

    /** analysts → analyst/premium (priority 10, limit 500 USD), admins → admin/enterprise (20), finance → member/standard (5, 1000 EUR). */
    private static GroupMappingSet standardSet(boolean advanced) {
        return new GroupMappingSet(advanced, new Defaults("member", "free"), null,
                List.of(new CustomRole("analyst", List.of("reports.view", "exports.create"))),
                List.of(new Mapping("analysts", "analyst", "premium", new SpendLimit(50_000L, "USD"), 10),
                        new Mapping("admins", "admin", "enterprise", null, 20),
                        new Mapping("finance", "member", "standard", new SpendLimit(100_000L, "EUR"), 5)));
    }

    private Map<String, Object> access(String user) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT a.role, array_to_string(a.capabilities, ','), a.seat_tier, "
                     + "a.spend_limit_amount, a.spend_limit_currency, a.role_decided_by, a.seat_tier_decided_by, "
                     + "a.spend_limit_decided_by FROM member_access a JOIN members m ON m.id = a.member_id "
                     + "WHERE m.organization_id = '" + ORG + "' AND m.directory_user_id = '" + user + "'")) {
            assertThat(rs.next()).as("access row of " + user).isTrue();
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("role", rs.getString(1));
            row.put("capabilities", rs.getString(2));
            row.put("seat_tier", rs.getString(3));
            row.put("limit", rs.getObject(4) == null ? null : rs.getLong(4) + " " + rs.getString(5));
            row.put("role_by", rs.getString(6));
            row.put("tier_by", rs.getString(7));
            row.put("limit_by", rs.getString(8));
            return row;
        }
    }

    private GroupSync apply(GroupMappingSet set) throws Exception {
        return mappings.replace(ORG, set, false, true);
    }

    @Test
    void shouldWriteRowsWithoutAccess_ForAReplaysShadowWriter() throws Exception {
        try (TestDatabase shadow = TestDatabase.create()) {
            BatchWriter shadowWriter = new BatchWriter(shadow.dataSource(), new RecordDecoder(topics),
                    new OffsetStore(new PostgresDialect(), "shadow"), new Retry(3, Duration.ofMillis(10),
                    Duration.ofMillis(50), dev.scimsync.writer.db.TransientErrors::isRetryable, d -> { }),
                    letters -> { }, new WriterMetrics(new SimpleMeterRegistry(), Clock.systemUTC()), () -> { }, false);

            shadowWriter.write(log.consumerRecords());

            try (Connection c = shadow.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM members), (SELECT count(*) FROM "
                         + "group_memberships), (SELECT count(*) FROM member_access), (SELECT count(*) FROM "
                         + "member_access_changes)")) {
                rs.next();
                assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                        .as("members, memberships, access rows, audit rows").containsExactly(5L, 6L, 0L, 0L);
            }
        }
        assertThat(access("u1")).as("the live writer's access, for comparison").containsEntry("role", "member");
    }

    @Test
    void shouldGiveDefaults_WhenAdvancedMappingsAreOff_AndMappingsOnce_TheyAreSwitchedOn() throws Exception {
        assertThat(access("u1")).containsEntry("role", "member").containsEntry("seat_tier", "standard")
                .containsEntry("role_by", "default");

        GroupSync off = apply(standardSet(false));
        assertThat(off.state()).isEqualTo(GroupSync.APPLIED);
        assertThat(access("u1")).as("stored but ignored: only the new defaults apply")
                .containsEntry("role", "member").containsEntry("seat_tier", "free").containsEntry("limit", null);

        GroupSync on = apply(standardSet(true));
        assertThat(on.changes().members()).isEqualTo(4); // u1..u4 are in mapped groups, u5 keeps the defaults
        assertThat(access("u1")).as("admins (20) beats analysts (10) for role and tier; analysts sets the limit")
                .containsEntry("role", "admin").containsEntry("seat_tier", "enterprise")
                .containsEntry("capabilities", "billing.view,groups.manage,members.manage,settings.manage")
                .containsEntry("role_by", "admins").containsEntry("tier_by", "admins")
                .containsEntry("limit", "50000 USD").containsEntry("limit_by", "analysts");
        assertThat(access("u3")).containsEntry("role", "analyst").containsEntry("capabilities", "exports.create,reports.view")
                .containsEntry("seat_tier", "premium").containsEntry("limit", "50000 USD");
        assertThat(access("u4")).containsEntry("role", "member").containsEntry("seat_tier", "standard")
                .containsEntry("limit", "100000 EUR").containsEntry("role_by", "finance");
        assertThat(access("u5")).containsEntry("role", "member").containsEntry("seat_tier", "free")
                .containsEntry("role_by", "default").containsEntry("limit_by", "default");
        assertThat(on.changes().byTier()).containsEntry("free", new GroupSync.TierCount(5, 1))
                .containsEntry("enterprise", new GroupSync.TierCount(0, 2));
    }

    @Test
    void shouldFallBackToTheNextGroup_WhenTheDecidingMembershipEnds_AndBackToDefaults_WhenTheLastOneDoes() throws Exception {
        apply(standardSet(true));
        leave("admins", "u1");
        writeNew();
        assertThat(access("u1")).containsEntry("role", "analyst").containsEntry("role_by", "analysts")
                .containsEntry("seat_tier", "premium");

        leave("analysts", "u1");
        writeNew();
        assertThat(access("u1")).containsEntry("role", "member").containsEntry("role_by", "default")
                .containsEntry("seat_tier", "free").containsEntry("limit", null);

        join("admins", "u1");
        writeNew();
        assertThat(access("u1")).containsEntry("role", "admin").containsEntry("seat_tier", "enterprise");
    }

    @Test
    void shouldRecomputeTheGroupsMembers_WhenAGroupIsDeletedInTheIdp() throws Exception {
        apply(standardSet(true));
        log.group(aGroup(ORG, "admins").named("admins").removed().at(event++).build());
        writeNew(); // the group's removal alone, before its memberships end
        assertThat(access("u1")).containsEntry("role", "analyst").containsEntry("role_by", "analysts");
        assertThat(access("u2")).containsEntry("role", "member").containsEntry("role_by", "default");
    }

    @Test
    void shouldHoldNoSeat_WhenDeactivatedOrRemoved_AndGetItBack_WhenReactivated() throws Exception {
        apply(standardSet(true));
        log.member(aMember(ORG, "u3").withEmail("u3@example.com").withState("inactive").at(event++).build());
        writeNew();
        assertThat(access("u3")).containsEntry("role", null).containsEntry("seat_tier", null)
                .containsEntry("capabilities", "").containsEntry("limit", null).containsEntry("tier_by", "inactive");

        log.member(aMember(ORG, "u3").withEmail("u3@example.com").withState("active").at(event++).build());
        writeNew();
        assertThat(access("u3")).containsEntry("role", "analyst").containsEntry("seat_tier", "premium");

        log.member(aMember(ORG, "u3").withEmail("u3@example.com").removed().at(event++).build());
        writeNew();
        assertThat(access("u3")).containsEntry("role", null).containsEntry("role_by", "removed");
        assertThat(mappings.get(ORG)).isPresent();
    }

    @Test
    void shouldKeepThePrimaryOwnerOwner_WhateverItsGroupsAndState() throws Exception {
        db.execute("UPDATE organizations SET primary_owner_member_id = (SELECT id FROM members WHERE directory_user_id = 'u4')");
        apply(standardSet(true)); // recomputes everyone: u4 is the owner now
        assertThat(access("u4")).containsEntry("role", "owner").containsEntry("capabilities", "*")
                .containsEntry("role_by", "primary_owner").containsEntry("seat_tier", "standard");

        log.member(aMember(ORG, "u4").withEmail("u4@example.com").withState("inactive").at(event++).build());
        leave("finance", "u4");
        writeNew();
        assertThat(access("u4")).as("deactivated in the IdP, still the owner with a seat")
                .containsEntry("role", "owner").containsEntry("seat_tier", "free");
    }

    @Test
    void shouldPreviewAndHold_ADowngradeOverTheLimits_UntilForced() throws Exception {
        apply(standardSet(true));
        long changesBefore = (Long) db.scalar("SELECT count(*) FROM member_access_changes");
        // back to the defaults: u1, u2 lose admin, u3 analyst's capabilities, u4 goes from standard to free: 4
        // downgrades, within the count limit (5) but over 20 % of the 5 present members
        GroupMappingSet off = standardSet(false);

        GroupSync preview = mappings.replace(ORG, off, true, false);
        assertThat(preview.state()).isEqualTo(GroupSync.PREVIEWED);
        assertThat(preview.downgrades()).isEqualTo(4);
        assertThat(preview.members()).extracting(GroupSync.MemberChange::directoryUserId)
                .containsExactlyInAnyOrder("u1", "u2", "u3", "u4");
        assertThat(access("u1")).as("a dry run changes nothing").containsEntry("role", "admin");

        GroupSync held = mappings.replace(ORG, off, false, false);
        assertThat(held.state()).isEqualTo(GroupSync.HELD);
        assertThat(held.note()).contains("4 member(s) would be downgraded");
        assertThat(access("u1")).containsEntry("role", "admin");
        assertThat(mappings.get(ORG).orElseThrow().advancedGroupMappings()).as("nor are the mappings replaced").isTrue();
        assertThat((Long) db.scalar("SELECT count(*) FROM member_access_changes")).isEqualTo(changesBefore);

        GroupSync forced = mappings.replace(ORG, off, false, true);
        assertThat(forced.state()).isEqualTo(GroupSync.APPLIED);
        assertThat(access("u1")).containsEntry("role", "member");
        assertThat((Long) db.scalar("SELECT count(*) FROM sync_runs WHERE kind = 'group_sync' AND state = 'held'")).isEqualTo(1L);
        assertThat((Long) db.scalar("SELECT count(*) FROM sync_runs WHERE kind = 'group_sync' AND state = 'previewed' AND dry_run")).isEqualTo(1L);
    }

    @Test
    void shouldRecordEveryAccessChange_WithOldAndNewValuesAndItsCause() throws Exception {
        GroupSync sync = apply(standardSet(true));
        leave("admins", "u1");
        writeNew();
        String leaveEvent = Fixtures.eventId(event - 1);

        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT x.cause_kind, x.cause_id, x.old_access ->> 'role', "
                     + "x.new_access ->> 'role', x.new_access -> 'decided_by' ->> 'role' FROM member_access_changes x "
                     + "JOIN members m ON m.id = x.member_id WHERE m.directory_user_id = 'u1' ORDER BY x.id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4)
                        + "|" + rs.getString(5));
            }
            // the first batch created u1 (event 1) and added it to admins (9) and analysts (11) before any mapping
            // existed: memberships decided nothing then, so the cause is the member's own last change, its creation
            assertThat(rows).containsExactly(
                    "event|" + Fixtures.eventId(1) + "|null|member|default",
                    "group_sync|" + sync.syncRunId() + "|member|admin|admins",
                    "event|" + leaveEvent + "|admin|analyst|analysts");
        }
    }

    @Test
    void shouldListEveryProblem_WhenTheMappingsAreInvalid() {
        GroupMappingSet bad = new GroupMappingSet(true, new Defaults("member", "standard"), null, List.of(),
                List.of(new Mapping("nope", "analyst", "premium", new SpendLimit(-1L, "USD"), 1),
                        new Mapping("admins", "admin", "gold", null, 1)));
        assertThatThrownBy(() -> mappings.replace(ORG, bad, false, false))
                .isInstanceOfSatisfying(GroupMappingService.InvalidMappingsException.class, e -> assertThat(e.problems())
                        .containsExactlyInAnyOrder(
                                "mapping of nope: unknown group (not a present group of the organization)",
                                "mapping of nope: unknown role 'analyst'",
                                "mapping of nope: negative spend limit -1",
                                "mapping of admins: seat tier 'gold' is not in seat_tiers",
                                "mapping of admins: duplicate priority 1"));
    }
}
