package dev.scimsync.verify;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.scimsync.poller.directory.DirectoryScanner;
import dev.scimsync.poller.directory.OrganizationScan;
import dev.scimsync.workos.DirectoryLookup;

/**
 * One drift check of one organization, blocking: scan WorkOS, read the database, compare. A scan takes seconds
 * to minutes, so an organization with live changes differs in whatever changed during it; every difference is
 * therefore checked again — the user or group fetched from WorkOS as it is now, the database read once the
 * pipeline has applied the organization's events up to that moment — and only what still differs is reported.
 * Rechecks repeat (at most {@value #MAX_ROUNDS} rounds) while they resolve something or WorkOS moved again.
 */
final class VerifyJob {

    private static final Logger LOG = LoggerFactory.getLogger(VerifyJob.class);
    /** Users and groups fetched again per round; beyond that, differences are reported as the scan found them. */
    static final int MAX_RECHECKS = 100;
    static final int MAX_ROUNDS = 3;
    private static final int MAX_EXAMPLES = 20;
    private static final long PIPELINE_POLL_MS = 100;

    private final DirectoryScanner scanner;
    private final DirectoryLookup lookup;
    private final OrganizationDatabase database;
    private final Clock clock;
    private final Duration settle;

    /**
     * @param settle longest wait, per recheck round, for the database to apply the organization's events up to
     *               the recheck (an organization without new events never shows that it has)
     */
    VerifyJob(DirectoryScanner scanner, DirectoryLookup lookup, OrganizationDatabase database, Clock clock,
              Duration settle) {
        this.scanner = scanner;
        this.lookup = lookup;
        this.database = database;
        this.clock = clock;
        this.settle = settle;
    }

    DriftReport run(String organizationId, Consumer<String> phase) throws InterruptedException, SQLException {
        phase.accept("scanning");
        OrganizationScan scan = scanner.scan(organizationId);
        DirectoryView workos = DirectoryView.of(scan);
        DirectoryView stored = DirectoryView.of(database.directoryRows(organizationId));
        Differences found = Differences.between(workos, stored);
        int firstFound = found.size();
        Set<String> recheckedUsers = new TreeSet<>();
        Set<String> recheckedGroups = new TreeSet<>();
        DirectoryView lastSeen = workos;
        for (int round = 1; round <= MAX_ROUNDS && !found.isEmpty(); round++) {
            phase.accept("rechecking");
            Set<String> users = first(found.userIds(), MAX_RECHECKS);
            Set<String> groups = first(found.groupIds(), MAX_RECHECKS - users.size());
            DirectoryView fresh = fetch(users, groups);
            awaitPipeline(organizationId, clock.instant());
            DirectoryView storedNow = DirectoryView.of(database.directoryRows(organizationId)).only(users, groups);
            Differences confirmed = found.confirmedBy(Differences.between(fresh, storedNow), users, groups);
            recheckedUsers.addAll(users);
            recheckedGroups.addAll(groups);
            boolean resolvedSome = confirmed.size() < found.size();
            boolean workosMoved = !fresh.equals(lastSeen.only(users, groups));
            found = confirmed;
            lastSeen = fresh;
            if (!resolvedSome && !workosMoved) {
                break;
            }
        }
        int unconfirmed = unconfirmed(found, recheckedUsers, recheckedGroups);
        DriftReport report = DriftCheck.report(scan, workos, stored, found,
                recheckedUsers.size() + recheckedGroups.size(), unconfirmed, clock.instant(), MAX_EXAMPLES);
        LOG.info("drift check of {}: {} ({} differences after the scan, {} users and groups rechecked; members "
                        + "missing/extra/changed {}/{}/{}, groups {}/{}/{}, memberships {}/{})", organizationId,
                report.inSync() ? "in sync" : "DRIFT", firstFound, report.rechecked(), report.members().missing(),
                report.members().extra(), report.members().changed(), report.groups().missing(),
                report.groups().extra(), report.groups().changed(), report.memberships().missing(),
                report.memberships().extra());
        return report;
    }

    private DirectoryView fetch(Set<String> users, Set<String> groups) throws InterruptedException {
        List<JsonNode> fetchedUsers = new ArrayList<>();
        for (String id : users) {
            lookup.user(id).ifPresent(fetchedUsers::add);
        }
        List<JsonNode> fetchedGroups = new ArrayList<>();
        for (String id : groups) {
            lookup.group(id).ifPresent(fetchedGroups::add);
        }
        return DirectoryView.ofWorkos(fetchedUsers, fetchedGroups);
    }

    /**
     * Waits until the organization's last applied event was created at or after {@code fetchedAt} (the pipeline
     * keeps an organization's events in order, so everything before it is in the database too), at most
     * {@code settle}.
     */
    private void awaitPipeline(String organizationId, Instant fetchedAt) throws InterruptedException, SQLException {
        long deadline = System.nanoTime() + settle.toNanos();
        while (true) {
            Instant applied = database.lastEventCreatedAt(organizationId);
            if (applied != null && !applied.isBefore(fetchedAt)) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(PIPELINE_POLL_MS)));
        }
    }

    private static int unconfirmed(Differences found, Set<String> users, Set<String> groups) {
        long members = found.members().keys().stream().filter(id -> !users.contains(id)).count();
        long groupCount = found.groups().keys().stream().filter(id -> !groups.contains(id)).count();
        long memberships = found.memberships().keys().stream()
                .filter(key -> !users.contains(DirectoryView.userOf(key))).count();
        return (int) (members + groupCount + memberships);
    }

    private static Set<String> first(Set<String> ids, int limit) {
        Set<String> first = new LinkedHashSet<>();
        for (String id : ids) {
            if (first.size() >= limit) {
                break;
            }
            first.add(id);
        }
        return first;
    }
}
