package dev.scimsync.writer.access;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The statements that compute members' effective access from their memberships, the organization's group mappings
 * and settings, as text (unit-tested as text, like {@code PostgresDialect}). One definition of the rules,
 * {@link #COMPUTED}, serves the writer (a batch's members), a change of mappings (its preview and its apply) and a
 * replay's switch: access is a pure function of the rows, so it is the same whichever path computed it.
 *
 * <p>The rules, for a member {@code m} of organization {@code o} (docs/database.md, "Access"):
 * <ol>
 *   <li>the Primary Owner (not removed by hand) is {@code owner}, whatever the directory says, and keeps a seat;</li>
 *   <li>a removed member, or one whose directory state is not {@code active}, holds nothing (role, seat tier and
 *       spend limit null, no capabilities); so does a directory member of an organization in {@code manual}
 *       provisioning mode (its members are the manual ones; directory rows are kept current for a later switch);</li>
 *   <li>with advanced group mappings on, among the mapped groups the member is in (groups not removed), the one with
 *       the highest priority decides role and seat tier; the highest-priority one that sets a spend limit decides
 *       it. Priorities are unique per organization; should two ever tie, the smaller group id wins;</li>
 *   <li>otherwise the member's own role ({@code members.role}, a manual member's; never {@code owner}, which is only
 *       the Primary Owner's) or the organization's default role, the default seat tier, and no spend limit.</li>
 * </ol>
 * Each value carries what decided it: a directory group id, {@code default}, {@code own_role},
 * {@code primary_owner}, {@code removed}, {@code inactive} or {@code manual_mode}.
 */
final class AccessStatements {

    /** Settings of an organization without an {@code access_settings} row. */
    static final String DEFAULT_ROLE = Roles.MEMBER;
    static final String DEFAULT_SEAT_TIER = "standard";
    static final List<String> DEFAULT_SEAT_TIERS = List.of("free", "standard", "premium", "enterprise");

    /**
     * What the rules read of a member, as every target lists it: the target holds the member rows themselves, so
     * that {@link #COMPUTED} needs no second join to {@code members} (which PostgreSQL would run as a scan of the whole
     * table for a batch of a few hundred ids).
     */
    private static final String MEMBER_COLUMNS = "m.id AS member_id, m.organization_id, m.directory_user_id, "
            + "m.removed_at, m.state, m.source, m.role";

    /**
     * The members to recompute, with the cause recorded for each, from arrays of changed users and groups, each change
     * with its place in the batch ({@code n}, one numbering for both): a member's cause is its batch's last change.
     */
    static final String TARGET_CHANGES = "target AS (SELECT DISTINCT ON (r.member_id) r.member_id, r.organization_id, "
            + "r.directory_user_id, r.removed_at, r.state, r.source, r.role, r.ck AS cause_kind, "
            + "CASE WHEN r.ck = 'resync' AND r.cid IS NULL THEN (SELECT ss.last_resync_id FROM sync_status ss "
            + "WHERE ss.organization_id = r.organization_id) ELSE r.cid END AS cause_id "
            + "FROM (SELECT u.*, k.ck, k.cid, k.n FROM unnest(CAST(? AS text[]), CAST(? AS text[]), "
            + "CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[])) AS k(org, uid, ck, cid, n) "
            + "CROSS JOIN LATERAL (" + directoryMember("k.org", "k.uid") + ") u "
            + "UNION ALL SELECT u.*, k.ck, k.cid, k.n FROM unnest(CAST(? AS text[]), "
            + "CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[])) AS k(org, gid, ck, cid, n) "
            + "JOIN group_memberships gm ON gm.organization_id = k.org AND gm.directory_group_id = k.gid "
            + "CROSS JOIN LATERAL (" + directoryMember("gm.organization_id", "gm.directory_user_id") + ") u) r "
            + "ORDER BY r.member_id, r.n DESC)";

    /** Every member (removed ones too) of one organization. Parameters: cause kind, cause id, organization. */
    static final String TARGET_ORGANIZATION = "target AS (SELECT " + MEMBER_COLUMNS + ", CAST(? AS text) AS cause_kind, "
            + "CAST(? AS text) AS cause_id FROM members m WHERE m.organization_id = ?)";

    /** Members without stored access (stored before access existed). Parameters: cause kind, cause id. */
    static final String TARGET_MISSING = "target AS (SELECT " + MEMBER_COLUMNS + ", CAST(? AS text) AS cause_kind, "
            + "CAST(? AS text) AS cause_id FROM members m WHERE NOT EXISTS (SELECT 1 FROM member_access a "
            + "WHERE a.member_id = m.id))";

    /** Members by id. Parameters: cause kind, cause id, ids (bigint[]). */
    static final String TARGET_MEMBERS = "target AS (SELECT " + MEMBER_COLUMNS + ", CAST(? AS text) AS cause_kind, "
            + "CAST(? AS text) AS cause_id FROM members m WHERE m.id = ANY (CAST(? AS bigint[])))";

    private static final String BEST_MAPPING = "SELECT mp.directory_group_id, mp.role, mp.seat_tier, "
            + "mp.spend_limit_amount, mp.spend_limit_currency FROM group_memberships gm "
            + "JOIN group_mappings mp ON mp.organization_id = gm.organization_id AND mp.directory_group_id = gm.directory_group_id "
            + "JOIN groups g ON g.organization_id = gm.organization_id AND g.directory_group_id = gm.directory_group_id "
            + "WHERE s.advanced_group_mappings AND gm.organization_id = m.organization_id "
            + "AND gm.directory_user_id = m.directory_user_id AND g.removed_at IS NULL";

    /** The capabilities of role {@code x.role}: built-ins from {@link Roles}, custom ones from access_roles. */
    static final String CAPABILITIES = capabilitiesOf("x.role", "m.organization_id");

    static final String COMPUTED = "computed AS (SELECT m.member_id, m.organization_id, m.directory_user_id, "
            + "m.cause_kind, m.cause_id, x.role, " + CAPABILITIES + " AS capabilities, x.seat_tier, "
            + "x.spend_limit_amount, x.spend_limit_currency, x.role_decided_by, x.seat_tier_decided_by, "
            + "x.spend_limit_decided_by "
            + "FROM target m JOIN organizations o ON o.id = m.organization_id "
            + "LEFT JOIN access_settings s ON s.organization_id = m.organization_id "
            + "LEFT JOIN LATERAL (" + BEST_MAPPING + " ORDER BY mp.priority DESC, mp.directory_group_id LIMIT 1) best ON true "
            + "LEFT JOIN LATERAL (" + BEST_MAPPING + " AND mp.spend_limit_amount IS NOT NULL "
            + "ORDER BY mp.priority DESC, mp.directory_group_id LIMIT 1) lim ON true "
            + "CROSS JOIN LATERAL (SELECT o.primary_owner_member_id IS NOT DISTINCT FROM m.member_id AND m.removed_at IS NULL AS owner, "
            + "m.removed_at IS NOT NULL AS removed, COALESCE(m.state, 'active') <> 'active' AS inactive, "
            + "o.provisioning_mode = 'manual' AND m.source = 'directory' AS unprovisioned) f "
            + "CROSS JOIN LATERAL (SELECT "
            + "CASE WHEN f.owner THEN '" + Roles.OWNER + "' WHEN f.removed OR f.inactive OR f.unprovisioned THEN NULL "
            + "WHEN best.role IS NOT NULL THEN best.role WHEN m.role IS NOT NULL AND m.role <> '" + Roles.OWNER + "' THEN m.role "
            + "ELSE COALESCE(s.default_role, '" + DEFAULT_ROLE + "') END AS role, "
            + "CASE WHEN f.owner THEN 'primary_owner' WHEN f.removed THEN 'removed' WHEN f.inactive THEN 'inactive' "
            + "WHEN f.unprovisioned THEN 'manual_mode' "
            + "WHEN best.role IS NOT NULL THEN best.directory_group_id "
            + "WHEN m.role IS NOT NULL AND m.role <> '" + Roles.OWNER + "' THEN 'own_role' "
            + "ELSE 'default' END AS role_decided_by, "
            + "CASE WHEN NOT f.owner AND (f.removed OR f.inactive OR f.unprovisioned) THEN NULL "
            + "ELSE COALESCE(best.seat_tier, s.default_seat_tier, '" + DEFAULT_SEAT_TIER + "') END AS seat_tier, "
            + "CASE WHEN NOT f.owner AND f.removed THEN 'removed' WHEN NOT f.owner AND f.inactive THEN 'inactive' "
            + "WHEN NOT f.owner AND f.unprovisioned THEN 'manual_mode' "
            + "WHEN best.seat_tier IS NOT NULL THEN best.directory_group_id ELSE 'default' END AS seat_tier_decided_by, "
            + "CASE WHEN NOT f.owner AND (f.removed OR f.inactive OR f.unprovisioned) THEN NULL ELSE lim.spend_limit_amount END AS spend_limit_amount, "
            + "CASE WHEN NOT f.owner AND (f.removed OR f.inactive OR f.unprovisioned) THEN NULL ELSE lim.spend_limit_currency END AS spend_limit_currency, "
            + "CASE WHEN NOT f.owner AND f.removed THEN 'removed' WHEN NOT f.owner AND f.inactive THEN 'inactive' "
            + "WHEN NOT f.owner AND f.unprovisioned THEN 'manual_mode' "
            + "WHEN lim.spend_limit_amount IS NOT NULL THEN lim.directory_group_id ELSE 'default' END AS spend_limit_decided_by"
            + ") x)";

    private static final String STORED = "(a.role, a.capabilities, a.seat_tier, a.spend_limit_amount, "
            + "a.spend_limit_currency, a.role_decided_by, a.seat_tier_decided_by, a.spend_limit_decided_by)";
    private static final String NEW = "(c.role, c.capabilities, c.seat_tier, c.spend_limit_amount, "
            + "c.spend_limit_currency, c.role_decided_by, c.seat_tier_decided_by, c.spend_limit_decided_by)";

    /** The members whose computed access differs from the stored one (or who have none stored), old values beside. */
    static final String DIFF = "diff AS (SELECT c.*, a.member_id IS NOT NULL AS had, a.role AS old_role, "
            + "a.capabilities AS old_capabilities, a.seat_tier AS old_seat_tier, a.spend_limit_amount AS old_spend_limit_amount, "
            + "a.spend_limit_currency AS old_spend_limit_currency, a.role_decided_by AS old_role_decided_by, "
            + "a.seat_tier_decided_by AS old_seat_tier_decided_by, a.spend_limit_decided_by AS old_spend_limit_decided_by "
            + "FROM computed c LEFT JOIN member_access a ON a.member_id = c.member_id "
            + "WHERE a.member_id IS NULL OR " + STORED + " IS DISTINCT FROM " + NEW + ")";

    /**
     * Writes the diff, then an audit row per diff row. The upsert has no condition, so every diff row is written (and a
     * data-modifying CTE always runs to completion): the audit reads the diff itself. It used to join the upsert's
     * {@code RETURNING}, which PostgreSQL, misjudging the diff at one row, ran as a nested loop (500 x 500 comparisons,
     * two thirds of a batch's recompute).
     */
    private static final String WRITE = " , written AS (INSERT INTO member_access AS t (member_id, organization_id, role, "
            + "capabilities, seat_tier, spend_limit_amount, spend_limit_currency, role_decided_by, seat_tier_decided_by, "
            + "spend_limit_decided_by, updated_at) SELECT member_id, organization_id, role, capabilities, seat_tier, "
            + "spend_limit_amount, spend_limit_currency, role_decided_by, seat_tier_decided_by, spend_limit_decided_by, now() "
            + "FROM diff ORDER BY member_id ON CONFLICT (member_id) DO UPDATE SET role = excluded.role, "
            + "capabilities = excluded.capabilities, seat_tier = excluded.seat_tier, "
            + "spend_limit_amount = excluded.spend_limit_amount, spend_limit_currency = excluded.spend_limit_currency, "
            + "role_decided_by = excluded.role_decided_by, seat_tier_decided_by = excluded.seat_tier_decided_by, "
            + "spend_limit_decided_by = excluded.spend_limit_decided_by, updated_at = excluded.updated_at) "
            + "INSERT INTO member_access_changes (organization_id, member_id, directory_user_id, changed_at, cause_kind, "
            + "cause_id, old_access, new_access) SELECT d.organization_id, d.member_id, d.directory_user_id, now(), "
            + "d.cause_kind, d.cause_id, CASE WHEN d.had THEN " + json("d.old_") + " END, " + json("d.") + " "
            + "FROM diff d ORDER BY d.member_id";

    /** The diff's columns a preview reads, plus the member's email for the listing. */
    private static final String PREVIEW = " SELECT d.member_id, d.directory_user_id, m.email, d.had, d.old_role, "
            + "d.old_capabilities, d.old_seat_tier, d.role, d.capabilities, d.seat_tier, m.removed_at IS NULL "
            + "FROM diff d JOIN members m ON m.id = d.member_id ORDER BY d.member_id";

    private AccessStatements() {
    }

    /**
     * The directory member with this key ({@link #MEMBER_COLUMNS}), looked up through its unique index one key at a
     * time. A plain join lets the planner hash the whole {@code members} table for a batch of 500 keys (a sequential
     * scan per batch: 38 ms of a 58 ms recompute at 50,000 members, growing with the organization); the
     * {@code LIMIT} keeps the lookup a parameterized index scan whatever the statistics say.
     */
    private static String directoryMember(String organization, String user) {
        return "SELECT " + MEMBER_COLUMNS + " FROM members m WHERE m.organization_id = " + organization
                + " AND m.directory_user_id = " + user + " AND m.directory_user_id IS NOT NULL LIMIT 1";
    }

    /** Writes the changed access of the target's members and an audit row for each; the update count is theirs. */
    static String recompute(String target) {
        return "WITH " + target + ", " + COMPUTED + ", " + DIFF + WRITE;
    }

    /** Reads what {@link #recompute} would change, without writing. */
    static String preview(String target) {
        return "WITH " + target + ", " + COMPUTED + ", " + DIFF + PREVIEW;
    }

    /** The JSON an audit row keeps of one side: columns named {@code <prefix>role} etc. */
    static String json(String prefix) {
        return "jsonb_build_object('role', " + prefix + "role, 'capabilities', to_jsonb(" + prefix + "capabilities), "
                + "'seat_tier', " + prefix + "seat_tier, 'spend_limit', CASE WHEN " + prefix + "spend_limit_amount IS NULL "
                + "THEN NULL ELSE jsonb_build_object('amount', " + prefix + "spend_limit_amount, 'currency', "
                + prefix + "spend_limit_currency) END, 'decided_by', jsonb_build_object('role', " + prefix
                + "role_decided_by, 'seat_tier', " + prefix + "seat_tier_decided_by, 'spend_limit', " + prefix
                + "spend_limit_decided_by))";
    }

    static String capabilitiesOf(String role, String organization) {
        String builtIns = Roles.BUILT_IN.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> "WHEN '" + e.getKey() + "' THEN CAST(ARRAY[" + e.getValue().stream().map(c -> "'" + c + "'")
                        .collect(Collectors.joining(", ")) + "] AS text[])")
                .collect(Collectors.joining(" "));
        return "CASE " + role + " " + builtIns + " ELSE COALESCE((SELECT r.capabilities FROM access_roles r "
                + "WHERE r.organization_id = " + organization + " AND r.name = " + role + "), CAST(ARRAY[] AS text[])) END";
    }
}
