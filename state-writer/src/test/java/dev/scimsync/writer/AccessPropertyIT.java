package dev.scimsync.writer;

import static dev.scimsync.writer.Fixtures.aGroup;
import static dev.scimsync.writer.Fixtures.aMember;
import static dev.scimsync.writer.Fixtures.aMembership;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.scimsync.core.topic.Topics;
import dev.scimsync.testkit.SharedPostgres;
import dev.scimsync.writer.access.AccessRecompute;
import dev.scimsync.writer.access.GroupMappingService;
import dev.scimsync.writer.access.GroupMappingSet;
import dev.scimsync.writer.access.Roles;
import dev.scimsync.writer.apply.BatchWriter;
import dev.scimsync.writer.apply.RecordDecoder;
import dev.scimsync.writer.db.PostgresDialect;
import dev.scimsync.writer.db.Retry;
import dev.scimsync.writer.metrics.WriterMetrics;
import dev.scimsync.writer.offsets.OffsetStore;

/**
 * After any random sequence of member, membership, group and mapping changes — delivered in random batches, with
 * re-deliveries and older versions arriving after newer ones, as the state topics allow — every member's stored
 * access equals a pure function ({@link #expected}, written here apart from the SQL) of the final members,
 * memberships, groups and mappings.
 */
@ExtendWith(SharedPostgres.class)
class AccessPropertyIT {

    private static final String ORG = "org_prop";
    private static final List<String> USERS = List.of("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8");
    private static final List<String> GROUPS = List.of("g1", "g2", "g3", "g4", "g5");
    private static final List<String> TIERS = List.of("free", "standard", "premium", "enterprise");

    /** The newest state of one entity in the model: version number, and what it says. */
    private record Latest(long version, boolean removed, boolean active) {
    }

    private record Access(String role, Set<String> capabilities, String tier, String limit, String roleBy,
                          String tierBy, String limitBy) {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void shouldStoreAccessEqualToAPureFunctionOfTheFinalState(long seed) throws Exception {
        Random random = new Random(seed);
        Topics topics = new Topics("prop" + seed + ".");
        try (TestDatabase db = TestDatabase.create()) {
            BatchWriter writer = new BatchWriter(db.dataSource(), new RecordDecoder(topics),
                    new OffsetStore(new PostgresDialect(), "w"), new Retry(3, Duration.ofMillis(10), Duration.ofMillis(50),
                    dev.scimsync.writer.db.TransientErrors::isRetryable, d -> { }), letters -> { },
                    new WriterMetrics(new SimpleMeterRegistry(), Clock.systemUTC()));
            GroupMappingService mappings = new GroupMappingService(db.dataSource(), 100, 1_000, Clock.systemUTC());
            Map<String, Latest> members = new HashMap<>();
            Map<String, Latest> groups = new HashMap<>();
            Map<String, Latest> memberships = new HashMap<>();
            GroupMappingSet set = GroupMappingSet.initial();
            long version = 1;
            List<Object> pending = new ArrayList<>(); // changes generated, not delivered yet
            List<Object> delivered = new ArrayList<>();
            TopicLog log = new TopicLog(topics, 1);
            int written = 0;

            for (String user : USERS) { // everyone exists from the start, so mappings have members to act on
                pending.add(record(members, user, version++, false, true));
            }
            for (String group : GROUPS) {
                pending.add(groupRecord(groups, group, version++, false));
            }
            // delivered first, whole: u1 exists when it is made the Primary Owner (as an admin would, then recomputed)
            for (Object change : pending) {
                add(log, change);
            }
            delivered.addAll(pending);
            pending = new ArrayList<>();
            writer.write(new ArrayList<>(log.consumerRecords()));
            written = log.consumerRecords().size();
            db.execute("UPDATE organizations SET primary_owner_member_id = (SELECT id FROM members WHERE "
                    + "directory_user_id = 'u1')");
            try (Connection c = db.dataSource().getConnection()) {
                AccessRecompute.members(c, List.of((Long) db.scalar("SELECT id FROM members WHERE directory_user_id = 'u1'")),
                        new AccessRecompute.Cause(AccessRecompute.Cause.MANUAL, null));
            }
            for (int round = 0; round < 40; round++) {
                for (int i = 0; i < 1 + random.nextInt(12); i++) {
                    int kind = random.nextInt(10);
                    String user = USERS.get(random.nextInt(USERS.size()));
                    String group = GROUPS.get(random.nextInt(GROUPS.size()));
                    if (kind < 5) {
                        pending.add(membershipRecord(memberships, group, user, version++, random.nextInt(3) == 0));
                    } else if (kind < 8) {
                        pending.add(record(members, user, version++, random.nextInt(6) == 0, random.nextInt(4) != 0));
                    } else {
                        pending.add(groupRecord(groups, group, version++, random.nextInt(3) == 0));
                    }
                }
                // deliver: mostly in order, some held back (arriving after newer ones), some delivered twice
                List<Object> batch = new ArrayList<>();
                List<Object> held = new ArrayList<>();
                for (Object change : pending) {
                    (random.nextInt(8) == 0 ? held : batch).add(change);
                }
                if (!delivered.isEmpty() && random.nextBoolean()) {
                    batch.add(delivered.get(random.nextInt(delivered.size())));
                }
                pending = held;
                for (Object change : batch) {
                    add(log, change);
                }
                delivered.addAll(batch);
                List<ConsumerRecord<byte[], byte[]>> all = log.consumerRecords();
                int cut = written + random.nextInt(all.size() - written + 1);
                writer.write(new ArrayList<>(all.subList(written, cut)));
                assertIncrementalAccessCurrent(db, seed, round);
                writer.write(new ArrayList<>(all.subList(cut, all.size())));
                assertIncrementalAccessCurrent(db, seed, round);
                written = all.size();
                if (random.nextInt(4) == 0) { // only present groups can be mapped (a mapping outlives its group)
                    set = randomSet(random, presentGroups(db));
                    mappings.replace(ORG, set, false, true);
                }
            }
            for (Object change : pending) { // the last held-back changes
                add(log, change);
            }
            List<ConsumerRecord<byte[], byte[]>> all = log.consumerRecords();
            writer.write(new ArrayList<>(all.subList(written, all.size())));

            Map<String, Access> stored = stored(db);
            assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(USERS);
            for (String user : USERS) {
                Set<String> in = new TreeSet<>();
                memberships.forEach((key, latest) -> {
                    String[] parts = key.split("/");
                    Latest group = groups.get(parts[0]);
                    if (parts[1].equals(user) && !latest.removed() && group != null && !group.removed()) {
                        in.add(parts[0]);
                    }
                });
                assertThat(stored.get(user)).as("seed %d, %s", seed, user)
                        .isEqualTo(expected(members.get(user), user.equals("u1"), in, set));
            }
        }
    }

    /**
     * After every batch, before any group sync could repair a miss: the writer's incremental recompute left no member
     * with access other than the rules give (the same SQL computing everyone, read-only).
     */
    private static void assertIncrementalAccessCurrent(TestDatabase db, long seed, int round) throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            assertThat(AccessRecompute.stale(c, ORG)).as("seed %d, round %d: members whose access is stale", seed, round)
                    .isZero();
        }
    }

    /** The rules of docs/database.md ("Access"), for the final state. */
    private static Access expected(Latest member, boolean owner, Set<String> groups, GroupMappingSet set) {
        boolean removed = member.removed();
        boolean inactive = !member.active();
        boolean advanced = set.advancedGroupMappings();
        List<GroupMappingSet.Mapping> mine = set.mappings().stream()
                .filter(m -> advanced && groups.contains(m.directoryGroupId()))
                .sorted(Comparator.comparing(GroupMappingSet.Mapping::priority).reversed()).toList();
        GroupMappingSet.Mapping best = mine.isEmpty() ? null : mine.get(0);
        GroupMappingSet.Mapping limit = mine.stream().filter(m -> m.spendLimit() != null).findFirst().orElse(null);
        if (!owner && (removed || inactive)) {
            String why = removed ? "removed" : "inactive";
            return new Access(null, Set.of(), null, null, why, why, why);
        }
        String role = owner ? Roles.OWNER : best != null ? best.role() : set.defaults().role();
        String roleBy = owner ? "primary_owner" : best != null ? best.directoryGroupId() : "default";
        Set<String> capabilities = new TreeSet<>(Roles.isBuiltIn(role) ? Roles.BUILT_IN.get(role)
                : set.roles().stream().filter(r -> r.name().equals(role)).findFirst().orElseThrow().capabilities());
        return new Access(role, capabilities, best != null ? best.seatTier() : set.defaults().seatTier(),
                limit == null ? null : limit.spendLimit().amount() + " " + limit.spendLimit().currency(), roleBy,
                best != null ? best.directoryGroupId() : "default", limit != null ? limit.directoryGroupId() : "default");
    }

    private static Set<String> presentGroups(TestDatabase db) throws Exception {
        Set<String> present = new TreeSet<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT directory_group_id FROM groups WHERE removed_at IS NULL")) {
            while (rs.next()) {
                present.add(rs.getString(1));
            }
        }
        return present;
    }

    private static GroupMappingSet randomSet(Random random, Set<String> present) {
        List<GroupMappingSet.Mapping> mappings = new ArrayList<>();
        List<Integer> priorities = new ArrayList<>(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
        java.util.Collections.shuffle(priorities, random);
        List<String> roles = List.of("member", "admin", "analyst", "viewer");
        for (String group : present) {
            if (random.nextInt(3) > 0) {
                GroupMappingSet.SpendLimit limit = random.nextBoolean() ? null
                        : new GroupMappingSet.SpendLimit((long) random.nextInt(100_000), random.nextBoolean() ? "USD" : "EUR");
                mappings.add(new GroupMappingSet.Mapping(group, roles.get(random.nextInt(roles.size())),
                        TIERS.get(random.nextInt(TIERS.size())), limit, priorities.remove(0)));
            }
        }
        return new GroupMappingSet(random.nextInt(5) > 0, new GroupMappingSet.Defaults(
                random.nextBoolean() ? "member" : "viewer", TIERS.get(random.nextInt(2))), TIERS,
                List.of(new GroupMappingSet.CustomRole("analyst", List.of("reports.view", "exports.create")),
                        new GroupMappingSet.CustomRole("viewer", List.of("reports.view"))), mappings);
    }

    private static Object record(Map<String, Latest> model, String user, long version, boolean removed, boolean active) {
        model.merge(user, new Latest(version, removed, active), (a, b) -> a.version() > b.version() ? a : b);
        var builder = aMember(ORG, user).withState(active ? "active" : "inactive").at(version);
        return removed ? builder.removed().build() : builder.build();
    }

    private static Object groupRecord(Map<String, Latest> model, String group, long version, boolean removed) {
        model.merge(group, new Latest(version, removed, true), (a, b) -> a.version() > b.version() ? a : b);
        var builder = aGroup(ORG, group).named(group).at(version);
        return removed ? builder.removed().build() : builder.build();
    }

    private static Object membershipRecord(Map<String, Latest> model, String group, String user, long version,
                                           boolean removed) {
        model.merge(group + "/" + user, new Latest(version, removed, true), (a, b) -> a.version() > b.version() ? a : b);
        var builder = aMembership(ORG, group, user).at(version);
        return removed ? builder.removed().build() : builder.build();
    }

    private static void add(TopicLog log, Object change) {
        if (change instanceof dev.scimsync.core.model.Member m) {
            log.member(m);
        } else if (change instanceof dev.scimsync.core.model.Group g) {
            log.group(g);
        } else {
            log.membership((dev.scimsync.core.model.Membership) change);
        }
    }

    private static Map<String, Access> stored(TestDatabase db) throws Exception {
        Map<String, Access> stored = new TreeMap<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT m.directory_user_id, a.role, a.capabilities, a.seat_tier, "
                     + "a.spend_limit_amount, a.spend_limit_currency, a.role_decided_by, a.seat_tier_decided_by, "
                     + "a.spend_limit_decided_by FROM member_access a JOIN members m ON m.id = a.member_id")) {
            while (rs.next()) {
                Long amount = rs.getObject(5, Long.class);
                stored.put(rs.getString(1), new Access(rs.getString(2),
                        new TreeSet<>(Arrays.asList((String[]) rs.getArray(3).getArray())), rs.getString(4),
                        amount == null ? null : amount + " " + rs.getString(6), rs.getString(7), rs.getString(8),
                        rs.getString(9)));
            }
        }
        return stored;
    }
}
