package dev.scimsync.writer.provisioning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import dev.scimsync.core.model.Member;
import dev.scimsync.writer.access.AccessRecompute;
import dev.scimsync.writer.apply.DirectoryMemberUpserts;
import dev.scimsync.writer.db.OrganizationLocks;
import dev.scimsync.writer.db.PostgresDialect;

/**
 * The transactions of an organization's provisioning mode: organizations the app creates, members added and removed
 * by hand, and the switches between {@code manual} and {@code scim}. Every transaction that changes members takes
 * the organization's lock first ({@link OrganizationLocks}), so it never interleaves with the writer's batches of
 * that organization, and reads what it decides on under that lock. Timestamps are the admin action's time (these
 * rows come from no event). docs/database.md, "Provisioning mode", says what each one does to the rows.
 */
public final class ProvisioningStore {

    /** Normalized email, as the switch compares them (ProvisioningPlan): trimmed, lower case. */
    static final String NORMALIZED_EMAIL = "lower(btrim(email))";

    static final String ORGANIZATION = "SELECT id, name, provisioning_mode, provisioning_mode_since, "
            + "primary_owner_member_id, max_removal_percent, max_removal_count FROM organizations WHERE id = ?";

    static final String INSERT_ORGANIZATION = "INSERT INTO organizations (id, name, provisioning_mode, created_at, "
            + "updated_at) VALUES (?, ?, ?, ?, ?)";

    static final String RENAME_ORGANIZATION = "UPDATE organizations SET name = ? WHERE id = ?";

    static final String MANUAL_DUPLICATE = "SELECT id FROM members WHERE organization_id = ? AND source = 'manual' "
            + "AND removed_at IS NULL AND " + NORMALIZED_EMAIL + " = lower(btrim(?)) ORDER BY id LIMIT 1";

    static final String INSERT_MANUAL = "INSERT INTO members (organization_id, source, email, first_name, last_name, "
            + "role, created_at, updated_at) VALUES (?, 'manual', ?, ?, ?, ?, ?, ?) RETURNING id";

    static final String MEMBER = "SELECT source, removed_at FROM members WHERE organization_id = ? AND id = ?";

    static final String REMOVE_MANUAL = "UPDATE members SET removed_at = ?, updated_at = ? WHERE organization_id = ? "
            + "AND id = ? AND source = 'manual' AND removed_at IS NULL";

    static final String PRESENT_MANUAL = "SELECT id, email FROM members WHERE organization_id = ? AND source = 'manual' "
            + "AND removed_at IS NULL ORDER BY id";

    /** Each link's directory row (the scanned users were upserted just before): its values, merged into the member. */
    static final String STAGE_LINKS = "CREATE TEMP TABLE provisioning_links ON COMMIT DROP AS "
            + "SELECT l.member_id, d.* FROM unnest(CAST(? AS bigint[]), CAST(? AS text[])) AS l(member_id, user_id) "
            + "JOIN members d ON d.organization_id = ? AND d.directory_user_id = l.user_id";

    /** A Primary Owner that was the directory row stays the Primary Owner: the manual member it merges into. */
    static final String MOVE_PRIMARY_OWNER = "UPDATE organizations o SET primary_owner_member_id = l.member_id "
            + "FROM provisioning_links l WHERE o.id = ? AND o.primary_owner_member_id = l.id";

    /**
     * The directory row is merged into the manual member: its key moves there, so the row itself goes (the one hard
     * delete in the schema; rows referring to it by id, #12's member_access, go with it by their foreign key).
     */
    static final String DELETE_MERGED_ROWS = "DELETE FROM members m USING provisioning_links l WHERE m.id = l.id";

    static final String LINK_FROM_ROWS = "UPDATE members m SET source = 'directory', "
            + "directory_user_id = l.directory_user_id, directory_id = l.directory_id, idp_id = l.idp_id, "
            + "email = l.email, first_name = l.first_name, last_name = l.last_name, state = l.state, roles = l.roles, "
            + "custom_attributes = l.custom_attributes, version_at = l.version_at, "
            + "version_event_id = l.version_event_id, updated_at = GREATEST(m.updated_at, l.updated_at), "
            + "removed_at = CASE WHEN m.id IS NOT DISTINCT FROM (SELECT o.primary_owner_member_id FROM organizations o "
            + "WHERE o.id = m.organization_id) THEN NULL ELSE l.removed_at END "
            + "FROM provisioning_links l WHERE m.id = l.member_id AND m.source = 'manual'";

    static final String REMOVE_UNMATCHED = "UPDATE members m SET removed_at = ?, updated_at = ? "
            + "WHERE m.organization_id = ? AND m.id = ANY (CAST(? AS bigint[])) AND m.source = 'manual' "
            + "AND m.removed_at IS NULL AND m.id IS DISTINCT FROM "
            + "(SELECT o.primary_owner_member_id FROM organizations o WHERE o.id = m.organization_id)";

    static final String SET_MODE = "UPDATE organizations SET provisioning_mode = ?, provisioning_mode_since = ? WHERE id = ?";

    static final String COUNT_DIRECTORY_MEMBERS = "SELECT count(*) FROM members WHERE organization_id = ? "
            + "AND source = 'directory' AND removed_at IS NULL";

    /** Back to manual: the present directory members become manual members (same row, same id, same attributes). */
    static final String DIRECTORY_TO_MANUAL = "UPDATE members SET source = 'manual', directory_user_id = NULL, "
            + "directory_id = NULL, idp_id = NULL, version_at = NULL, version_event_id = NULL, updated_at = ? "
            + "WHERE organization_id = ? AND source = 'directory' AND removed_at IS NULL";

    static final String INSERT_RUN = "INSERT INTO sync_runs (id, organization_id, kind, scope, state, started_at, "
            + "finished_at, members, removed, linked, created, ambiguous, dry_run, note) "
            + "VALUES (?, ?, 'provisioning', 'members', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    static final String LAST_SWITCH = "SELECT id, organization_id, state, started_at, finished_at, dry_run, members, "
            + "removed, linked, created, ambiguous, note FROM sync_runs WHERE organization_id = ? AND kind = 'provisioning' "
            + "AND NOT dry_run ORDER BY started_at DESC, id DESC LIMIT 1";

    /** An organization as the provisioning transactions see it. */
    public record Organization(String id, String name, String provisioningMode, Instant provisioningModeSince,
                               Long primaryOwnerMemberId, Integer maxRemovalPercent, Integer maxRemovalCount) {
    }

    /** {@link #putOrganization}'s result: the organization after the request, and whether it was created. */
    public record PutOrganization(Organization organization, boolean created) {
    }

    /** A present manual member, as the switch matches it. Its email is member data: never log it. */
    public record ManualMember(long id, String email) {
    }

    /** What a switch to SCIM reads under the organization's lock: the organization and its present manual members. */
    public record Members(Organization organization, List<ManualMember> manual) {
    }

    /** A manual member taking a directory user's identity. */
    public record Link(long memberId, String directoryUserId) {
    }

    /** A switch's run as {@code sync_runs} keeps it (kind {@code provisioning}). */
    public record Run(String id, String organizationId, String state, Instant startedAt, Instant finishedAt,
                      boolean dryRun, long members, long removed, long linked, long created, long ambiguous,
                      String note) {
    }

    /**
     * The switch's decision, made on what {@link #switchToScim} read under the lock: the run to record and, when
     * {@code apply}, the directory users to upsert (as WorkOS listed them, with the version a resync's snapshot item
     * carries), the links and removals to make (and the mode set to scim).
     */
    public record Decision(boolean apply, List<Member> directoryUsers, List<Link> links, List<Long> removals, Run run) {
    }

    /** Decides a switch on the organization's members as read under its lock. */
    @FunctionalInterface
    public interface Planner {
        Decision plan(Members members);
    }

    private final DataSource dataSource;
    private final PostgresDialect dialect = new PostgresDialect();

    public ProvisioningStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The organization, if the database knows it. */
    public Optional<Organization> organization(String organizationId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return organization(c, organizationId);
        }
    }

    /**
     * Creates the organization (in {@code mode}, default {@code manual}) or renames it. The mode of an existing
     * organization changes only through a switch: a different one is refused.
     */
    public PutOrganization putOrganization(String organizationId, String name, String mode, Instant now)
            throws SQLException {
        return inTransaction(organizationId, c -> {
            Optional<Organization> existing = organization(c, organizationId);
            if (existing.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(INSERT_ORGANIZATION)) {
                    ps.setString(1, organizationId);
                    ps.setString(2, name);
                    ps.setString(3, mode == null ? "manual" : mode);
                    ps.setTimestamp(4, Timestamp.from(now));
                    ps.setTimestamp(5, Timestamp.from(now));
                    ps.executeUpdate();
                }
                return new PutOrganization(organization(c, organizationId).orElseThrow(), true);
            }
            Organization org = existing.get();
            if (mode != null && !mode.equals(org.provisioningMode())) {
                throw new ProvisioningRefusedException(ProvisioningRefusedException.Reason.CONFLICT, "organization "
                        + organizationId + " is in " + org.provisioningMode() + " mode: its mode changes only through "
                        + "a switch (PUT /api/organizations/" + organizationId + "/provisioning)");
            }
            if (name != null && !name.equals(org.name())) {
                try (PreparedStatement ps = c.prepareStatement(RENAME_ORGANIZATION)) {
                    ps.setString(1, name);
                    ps.setString(2, organizationId);
                    ps.executeUpdate();
                }
            }
            return new PutOrganization(organization(c, organizationId).orElseThrow(), false);
        });
    }

    /** Adds a member by hand to an organization in manual mode; its id. */
    public long addManualMember(String organizationId, String email, String firstName, String lastName, String role,
                                Instant now) throws SQLException {
        return inTransaction(organizationId, c -> {
            Organization org = known(c, organizationId);
            if (!org.provisioningMode().equals("manual")) {
                throw new ProvisioningRefusedException(ProvisioningRefusedException.Reason.CONFLICT, "organization "
                        + organizationId + " is in scim mode: its members come from its identity provider. Switch it "
                        + "to manual first (PUT /api/organizations/" + organizationId + "/provisioning)");
            }
            try (PreparedStatement ps = c.prepareStatement(MANUAL_DUPLICATE)) {
                ps.setString(1, organizationId);
                ps.setString(2, email);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw new ProvisioningRefusedException(ProvisioningRefusedException.Reason.CONFLICT,
                                "member " + rs.getLong(1) + " of " + organizationId + " already has this email");
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT_MANUAL)) {
                ps.setString(1, organizationId);
                ps.setString(2, email);
                ps.setString(3, firstName);
                ps.setString(4, lastName);
                ps.setString(5, role);
                ps.setTimestamp(6, Timestamp.from(now));
                ps.setTimestamp(7, Timestamp.from(now));
                long id;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
                AccessRecompute.members(c, List.of(id), new AccessRecompute.Cause(AccessRecompute.Cause.MANUAL, null));
                return id;
            }
        });
    }

    /**
     * Removes (soft delete) a member added by hand, in either mode. The Primary Owner and directory members are
     * refused: the latter are removed in the identity provider.
     */
    public void removeManualMember(String organizationId, long memberId, Instant now) throws SQLException {
        inTransaction(organizationId, c -> {
            Organization org = known(c, organizationId);
            String source;
            try (PreparedStatement ps = c.prepareStatement(MEMBER)) {
                ps.setString(1, organizationId);
                ps.setLong(2, memberId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getTimestamp(2) != null) {
                        throw new ProvisioningRefusedException(ProvisioningRefusedException.Reason.NOT_FOUND,
                                "organization " + organizationId + " has no present member " + memberId);
                    }
                    source = rs.getString(1);
                }
            }
            if (Long.valueOf(memberId).equals(org.primaryOwnerMemberId())) {
                throw new ProvisioningRefusedException(ProvisioningRefusedException.Reason.CONFLICT, "member "
                        + memberId + " is the Primary Owner of " + organizationId + ": it is never removed");
            }
            if (!source.equals("manual")) {
                throw new ProvisioningRefusedException(ProvisioningRefusedException.Reason.CONFLICT, "member "
                        + memberId + " comes from the directory: remove the user in the identity provider");
            }
            try (PreparedStatement ps = c.prepareStatement(REMOVE_MANUAL)) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setString(3, organizationId);
                ps.setLong(4, memberId);
                ps.executeUpdate();
            }
            AccessRecompute.members(c, List.of(memberId), new AccessRecompute.Cause(AccessRecompute.Cause.MANUAL, null));
            return null;
        });
    }

    /**
     * A switch to SCIM in ONE transaction under the organization's lock: reads its members, lets {@code planner}
     * decide, then (when the decision applies) links, removes, sets the mode and recounts; the run is recorded
     * whatever was decided. Refused when the organization is not (or no longer) in manual mode.
     */
    public Decision switchToScim(String organizationId, Planner planner, Instant now) throws SQLException {
        return inTransaction(organizationId, c -> {
            Organization org = known(c, organizationId);
            requireMode(org, "manual");
            Decision decision = planner.plan(new Members(org, manualMembers(c, organizationId)));
            if (decision.apply()) {
                DirectoryMemberUpserts.upsert(c, decision.directoryUsers());
                link(c, organizationId, decision.links());
                removeUnmatched(c, organizationId, decision.removals(), now);
                setMode(c, organizationId, "scim", now);
                recount(c, organizationId);
                // linked members take their access from their groups, new ones get theirs, removed ones lose it
                AccessRecompute.organization(c, organizationId,
                        new AccessRecompute.Cause(AccessRecompute.Cause.PROVISIONING, decision.run().id()));
            }
            insertRun(c, decision.run());
            return decision;
        });
    }

    /**
     * Back to manual, under the organization's lock: its present directory members become manual members (same
     * rows and ids, attributes kept; no one is removed), so nothing the pipeline does removes them any more. A dry
     * run changes nothing. The run's {@code members} is how many directory members became (or would become) manual.
     */
    public Run switchToManual(String organizationId, String runId, boolean dryRun, Instant startedAt, Instant now)
            throws SQLException {
        return inTransaction(organizationId, c -> {
            Organization org = known(c, organizationId);
            requireMode(org, "scim");
            long directoryMembers;
            try (PreparedStatement ps = c.prepareStatement(COUNT_DIRECTORY_MEMBERS)) {
                ps.setString(1, organizationId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    directoryMembers = rs.getLong(1);
                }
            }
            if (!dryRun) {
                try (PreparedStatement ps = c.prepareStatement(DIRECTORY_TO_MANUAL)) {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setString(2, organizationId);
                    ps.executeUpdate();
                }
                setMode(c, organizationId, "manual", now);
                recount(c, organizationId);
                AccessRecompute.organization(c, organizationId,
                        new AccessRecompute.Cause(AccessRecompute.Cause.PROVISIONING, runId));
            }
            Run run = new Run(runId, organizationId, dryRun ? "previewed" : "applied", startedAt, now, dryRun,
                    directoryMembers, 0, 0, 0, 0, directoryMembers + " directory members " + (dryRun ? "would become"
                    : "became") + " manual members; no one removed");
            insertRun(c, run);
            return run;
        });
    }

    /** Records a run outside a switch's transaction (a switch whose scan failed). */
    public void recordRun(Run run) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            insertRun(c, run);
        }
    }

    /** The organization's latest switch (not a dry run), if any. */
    public Optional<Run> lastSwitch(String organizationId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(LAST_SWITCH)) {
            ps.setString(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Run(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4),
                        instant(rs, 5), rs.getBoolean(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10),
                        rs.getLong(11), rs.getString(12)));
            }
        }
    }

    private static void link(Connection c, String organizationId, List<Link> links) throws SQLException {
        if (links.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(STAGE_LINKS)) {
            ps.setArray(1, c.createArrayOf("bigint", links.stream().map(Link::memberId).toArray()));
            ps.setArray(2, c.createArrayOf("text", links.stream().map(Link::directoryUserId).toArray()));
            ps.setString(3, organizationId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(MOVE_PRIMARY_OWNER)) {
            ps.setString(1, organizationId);
            ps.executeUpdate();
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate(DELETE_MERGED_ROWS);
            s.executeUpdate(LINK_FROM_ROWS);
        }
    }

    private static void removeUnmatched(Connection c, String organizationId, List<Long> removals, Instant now)
            throws SQLException {
        if (removals.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(REMOVE_UNMATCHED)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setString(3, organizationId);
            ps.setArray(4, c.createArrayOf("bigint", removals.toArray()));
            ps.executeUpdate();
        }
    }

    private static void setMode(Connection c, String organizationId, String mode, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SET_MODE)) {
            ps.setString(1, mode);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setString(3, organizationId);
            ps.executeUpdate();
        }
    }

    /** sync_status counts present directory members: linking and switching back change that set. */
    private void recount(Connection c, String organizationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.recountCounts())) {
            ps.setArray(1, c.createArrayOf("text", new Object[] {organizationId}));
            ps.executeUpdate();
        }
    }

    private static void insertRun(Connection c, Run run) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_RUN)) {
            ps.setString(1, run.id());
            ps.setString(2, run.organizationId());
            ps.setString(3, run.state());
            ps.setTimestamp(4, Timestamp.from(run.startedAt()));
            ps.setTimestamp(5, run.finishedAt() == null ? null : Timestamp.from(run.finishedAt()));
            ps.setLong(6, run.members());
            ps.setLong(7, run.removed());
            ps.setLong(8, run.linked());
            ps.setLong(9, run.created());
            ps.setLong(10, run.ambiguous());
            ps.setBoolean(11, run.dryRun());
            ps.setString(12, run.note());
            ps.executeUpdate();
        }
    }

    private static List<ManualMember> manualMembers(Connection c, String organizationId) throws SQLException {
        List<ManualMember> members = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PRESENT_MANUAL)) {
            ps.setString(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    members.add(new ManualMember(rs.getLong(1), rs.getString(2)));
                }
            }
        }
        return members;
    }

    private static void requireMode(Organization org, String mode) {
        if (!org.provisioningMode().equals(mode)) {
            throw new ProvisioningRefusedException(ProvisioningRefusedException.Reason.CONFLICT, "organization "
                    + org.id() + " is already in " + org.provisioningMode() + " mode");
        }
    }

    private static Organization known(Connection c, String organizationId) throws SQLException {
        return organization(c, organizationId).orElseThrow(() -> new ProvisioningRefusedException(
                ProvisioningRefusedException.Reason.NOT_FOUND, "unknown organization " + organizationId));
    }

    private static Optional<Organization> organization(Connection c, String organizationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ORGANIZATION)) {
            ps.setString(1, organizationId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Organization(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4),
                        rs.getObject(5, Long.class), rs.getObject(6, Integer.class), rs.getObject(7, Integer.class)));
            }
        }
    }

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** {@code work} in one transaction that holds the organization's lock from its start. */
    private <T> T inTransaction(String organizationId, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                OrganizationLocks.lock(c, List.of(organizationId));
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
