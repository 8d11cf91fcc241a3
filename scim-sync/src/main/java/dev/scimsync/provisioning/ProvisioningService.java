package dev.scimsync.provisioning;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.core.event.DirectoryUsers;
import dev.scimsync.core.log.Redact;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Version;
import dev.scimsync.core.serde.Timestamps;
import dev.scimsync.poller.directory.DirectoryScanner;
import dev.scimsync.poller.directory.OrganizationScan;
import dev.scimsync.writer.provisioning.ProvisioningRefusedException;
import dev.scimsync.writer.provisioning.ProvisioningStore;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * An organization's provisioning mode: organizations the app creates, members added and removed by hand, and the
 * switches between {@code manual} and {@code scim} (docs/architecture.md, "Provisioning mode").
 *
 * <p>A switch to SCIM scans the organization's directory users in WorkOS (the resync's scan, paced to WorkOS's
 * limits) on its own thread, then decides and applies in ONE transaction under the organization's lock
 * ({@link ProvisioningStore#switchToScim}): the plan ({@link ProvisioningPlan}) is computed there against the
 * manual members as they are at that moment, the removal safeguard checked, the scanned users upserted as a
 * resync's snapshot would (so every linked and created user has its row, even one the pipeline has not seen), the
 * links merged, the run recorded. A dry run stops
 * before changing anything. A switch back to manual is one short transaction, answered at once. Ids are logged,
 * never emails or names.
 */
public final class ProvisioningService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProvisioningService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ProvisioningStore store;
    private final DirectoryScanner scanner;
    private final int defaultMaxRemovalPercent;
    private final int defaultMaxRemovalCount;
    private final ProvisioningMetrics metrics;
    private final Clock clock;
    private final ExecutorService executor;
    private final Map<String, ProvisioningSwitch> latest = new LinkedHashMap<>();

    /** @param scanner null where this process does not reach WorkOS: switches to SCIM are then refused */
    public ProvisioningService(ProvisioningStore store, DirectoryScanner scanner, int defaultMaxRemovalPercent, int defaultMaxRemovalCount, MeterRegistry registry,
                               Clock clock) {
        this.store = store;
        this.scanner = scanner;
        this.defaultMaxRemovalPercent = defaultMaxRemovalPercent;
        this.defaultMaxRemovalCount = defaultMaxRemovalCount;
        this.metrics = new ProvisioningMetrics(registry);
        this.clock = clock;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "provisioning-switch");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Creates (default mode manual) or renames an organization; see {@link ProvisioningStore#putOrganization}. */
    public ProvisioningStore.PutOrganization putOrganization(String organizationId, String name, String mode)
            throws SQLException {
        if (mode != null && !mode.equals("manual") && !mode.equals("scim")) {
            throw new IllegalArgumentException("provisioning_mode must be manual or scim, not '" + mode + "'");
        }
        ProvisioningStore.PutOrganization put = store.putOrganization(organizationId, name, mode, clock.instant());
        LOG.info("organization {} {} ({} mode)", organizationId, put.created() ? "created" : "updated",
                put.organization().provisioningMode());
        return put;
    }

    /** Adds a member by hand (manual mode only); its id. */
    public long addMember(String organizationId, NewMember member) throws SQLException {
        long id = store.addManualMember(organizationId, member.email(), member.firstName(), member.lastName(),
                member.role(), clock.instant());
        LOG.info("member {} of {} added by hand", id, organizationId);
        return id;
    }

    /** Removes (soft delete) a member added by hand; never the Primary Owner, never a directory member. */
    public void removeMember(String organizationId, long memberId) throws SQLException {
        store.removeManualMember(organizationId, memberId, clock.instant());
        LOG.info("member {} of {} removed by hand", memberId, organizationId);
    }

    /**
     * Starts a switch. To {@code manual}: done before this returns. To {@code scim}: runs in the background (follow
     * it with {@link #latest}).
     *
     * @throws IllegalArgumentException       for a mode other than manual or scim
     * @throws ProvisioningRefusedException   unknown organization (NOT_FOUND); already in that mode, or a switch of
     *                                        it running (CONFLICT)
     * @throws UnsupportedOperationException  a switch to scim where this process does not reach WorkOS
     */
    public ProvisioningSwitch start(String organizationId, String mode, boolean dryRun, boolean force)
            throws SQLException {
        if (!"manual".equals(mode) && !"scim".equals(mode)) {
            throw new IllegalArgumentException("mode must be manual or scim, not '" + mode + "'");
        }
        ProvisioningStore.Organization org = store.organization(organizationId).orElseThrow(() ->
                new ProvisioningRefusedException(ProvisioningRefusedException.Reason.NOT_FOUND,
                        "unknown organization " + organizationId));
        if (org.provisioningMode().equals(mode)) {
            throw new ProvisioningRefusedException(ProvisioningRefusedException.Reason.CONFLICT, "organization "
                    + organizationId + " is already in " + mode + " mode");
        }
        int percent = org.maxRemovalPercent() != null ? org.maxRemovalPercent() : defaultMaxRemovalPercent;
        int count = org.maxRemovalCount() != null ? org.maxRemovalCount() : defaultMaxRemovalCount;
        ProvisioningSwitch started = ProvisioningSwitch.running(newId(), organizationId, mode, dryRun, force,
                clock.instant(), percent, count);
        if (mode.equals("scim") && scanner == null) {
            throw new UnsupportedOperationException("a switch to scim scans the directory in WorkOS: ask the "
                    + "instance that runs `scim-sync run`");
        }
        synchronized (latest) {
            ProvisioningSwitch last = latest.get(organizationId);
            if (last != null && !last.finished()) {
                throw new ProvisioningRefusedException(ProvisioningRefusedException.Reason.CONFLICT, "switch "
                        + last.switchId() + " of " + organizationId + " is still running");
            }
            latest.put(organizationId, started);
        }
        if (mode.equals("manual")) {
            return finish(started, toManual(started));
        }
        executor.submit(() -> finish(started, toScim(started)));
        return started;
    }

    /** The organization's latest switch started on this instance. */
    public Optional<ProvisioningSwitch> latest(String organizationId) {
        synchronized (latest) {
            return Optional.ofNullable(latest.get(organizationId));
        }
    }

    /** The organization as the database has it. */
    public Optional<ProvisioningStore.Organization> organization(String organizationId) throws SQLException {
        return store.organization(organizationId);
    }

    /** The organization's last switch as the database recorded it (any instance), for {@code status}. */
    public Optional<ProvisioningStore.Run> lastSwitch(String organizationId) throws SQLException {
        return store.lastSwitch(organizationId);
    }

    private ProvisioningSwitch finish(ProvisioningSwitch started, ProvisioningSwitch done) {
        synchronized (latest) {
            latest.computeIfPresent(started.organizationId(), (k, s) -> s.switchId().equals(started.switchId()) ? done : s);
        }
        metrics.finished(done);
        return done;
    }

    private ProvisioningSwitch toManual(ProvisioningSwitch started) {
        try {
            ProvisioningStore.Run run = store.switchToManual(started.organizationId(), started.switchId(),
                    started.dryRun(), started.startedAt(), clock.instant());
            LOG.info("provisioning switch {} of {} to manual {}: {}", started.switchId(), started.organizationId(),
                    run.state(), run.note());
            return started.finished(run.state(), run.finishedAt(), new ProvisioningSwitch.Counts(0, 0, 0, 0, 0,
                    run.members()), run.note(), null);
        } catch (ProvisioningRefusedException e) {
            forget(started);
            throw e;
        } catch (SQLException | RuntimeException e) {
            return failed(started, e);
        }
    }

    private ProvisioningSwitch toScim(ProvisioningSwitch started) {
        String org = started.organizationId();
        try {
            OrganizationScan scan = scanner.scan(org);
            if (scan.directoryIds().isEmpty()) {
                return failed(started, new IllegalStateException("WorkOS lists no directory of organization " + org
                        + ": there is no directory to provision from"));
            }
            List<ProvisioningPlan.DirectoryUser> users = new ArrayList<>(scan.users().size());
            List<Member> members = new ArrayList<>(scan.users().size());
            Instant scanned = clock.instant();
            for (JsonNode u : scan.users()) {
                String id = DirectoryUsers.text(u, "id");
                String updatedAt = DirectoryUsers.text(u, "updated_at");
                if (id == null || updatedAt == null) {
                    throw new IllegalStateException("WorkOS listed a directory user of " + org + " without id or "
                            + "updated_at" + (id == null ? "" : " (" + id + ")"));
                }
                users.add(new ProvisioningPlan.DirectoryUser(id, DirectoryUsers.email(u)));
                // the version a resync's snapshot item of that user carries: a live event of it is never older
                members.add(DirectoryUsers.member(org, u, new Version(Timestamps.parse(updatedAt), ""), scanned));
            }
            ProvisioningPlan[] planned = new ProvisioningPlan[1];
            long[] manualMembers = new long[1];
            ProvisioningStore.Decision decision = store.switchToScim(org, read -> {
                ProvisioningPlan plan = ProvisioningPlan.of(read.manual(), users,
                        read.organization().primaryOwnerMemberId());
                planned[0] = plan;
                long manual = read.manual().size();
                manualMembers[0] = manual;
                String held = held(plan.removed().size(), manual, started);
                String state = started.dryRun() ? "previewed" : held != null ? "held" : "applied";
                String note = plan.summary() + (held == null ? "" : "; " + held);
                Instant now = clock.instant();
                ProvisioningStore.Run run = new ProvisioningStore.Run(started.switchId(), org, state,
                        started.startedAt(), now, started.dryRun(), plan.linked().size() + plan.created().size(),
                        plan.removed().size(), plan.linked().size(), plan.created().size(), plan.ambiguous().size(),
                        note);
                return new ProvisioningStore.Decision(state.equals("applied"), members, plan.links(), plan.removedIds(),
                        run);
            }, clock.instant());
            ProvisioningPlan plan = planned[0];
            ProvisioningStore.Run run = decision.run();
            LOG.info("provisioning switch {} of {} to scim {}: {}", started.switchId(), org, run.state(), run.note());
            return started.finished(run.state(), run.finishedAt(), ProvisioningSwitch.Counts.of(manualMembers[0], plan),
                    run.note(), plan);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(started, new IllegalStateException("interrupted (scim-sync is stopping)"));
        } catch (SQLException | RuntimeException e) {
            return failed(started, e);
        }
    }

    /** Why the safeguard holds this switch, or null when it does not (or it is forced). */
    private static String held(long removals, long manual, ProvisioningSwitch s) {
        if (s.force()) {
            return null;
        }
        boolean overCount = removals > s.maxRemovalCount();
        boolean overShare = removals * 100 > (long) s.maxRemovalPercent() * manual;
        if (!overCount && !overShare) {
            return null;
        }
        return String.format(Locale.ROOT, "held: %d removals of %d manual members exceed the organization's limit "
                + "(%d%% / %d members); nothing changed, switch again with force to apply", removals, manual,
                s.maxRemovalPercent(), s.maxRemovalCount());
    }

    private ProvisioningSwitch failed(ProvisioningSwitch started, Exception e) {
        String reason = Redact.emailsIn(String.valueOf(e.getMessage()));
        LOG.warn("provisioning switch {} of {} to {} failed: {}", started.switchId(), started.organizationId(),
                started.mode(), reason);
        ProvisioningSwitch failed = started.failed(clock.instant(), reason);
        try {
            store.recordRun(new ProvisioningStore.Run(started.switchId(), started.organizationId(), "failed",
                    started.startedAt(), failed.finishedAt(), started.dryRun(), 0, 0, 0, 0, 0,
                    "to " + started.mode() + ": " + reason));
        } catch (SQLException | RuntimeException recordFailure) {
            LOG.warn("recording the failed switch {} of {} failed: {}", started.switchId(), started.organizationId(),
                    recordFailure.getMessage());
        }
        return failed;
    }

    private void forget(ProvisioningSwitch started) {
        synchronized (latest) {
            latest.remove(started.organizationId(), started);
        }
    }

    private String newId() {
        return String.format(Locale.ROOT, "provisioning_%013d%06x", clock.millis(), RANDOM.nextInt(1 << 24));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
