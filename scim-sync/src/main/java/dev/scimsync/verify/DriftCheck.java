package dev.scimsync.verify;

import java.time.Instant;

import dev.scimsync.poller.directory.OrganizationScan;
import dev.scimsync.writer.query.DirectoryRows;

/**
 * Compares what WorkOS lists for an organization with what the database holds, field by field for the
 * fields the sync writes (a member's directory, email, names and state; a group's directory and name) and
 * by key for memberships. Pure: the same inputs give the same report.
 */
public final class DriftCheck {

    private DriftCheck() {
    }

    /**
     * @param maxExamples how many ids to name per kind of difference (sorted, so reports are stable)
     */
    public static DriftReport compare(OrganizationScan scan, DirectoryRows rows, Instant checkedAt, int maxExamples) {
        DirectoryView workos = DirectoryView.of(scan);
        DirectoryView database = DirectoryView.of(rows);
        return report(scan, workos, database, Differences.between(workos, database), 0, 0, checkedAt, maxExamples);
    }

    /**
     * The report of {@code found}, the differences left after any recheck; the totals are those of the scan and
     * the database read it was compared with.
     *
     * @param rechecked   how many users and groups were fetched again from WorkOS
     * @param unconfirmed how many of {@code found} were not rechecked (beyond the recheck limit)
     */
    static DriftReport report(OrganizationScan scan, DirectoryView workos, DirectoryView database,
                              Differences found, int rechecked, int unconfirmed, Instant checkedAt, int maxExamples) {
        return new DriftReport(scan.organizationId(), checkedAt, scan.directoryIds(), scan.requests(), scan.took(),
                drift(found.members(), workos.members().size(), database.members().size(), maxExamples),
                drift(found.groups(), workos.groups().size(), database.groups().size(), maxExamples),
                drift(found.memberships(), workos.memberships().size(), database.memberships().size(), maxExamples),
                rechecked, unconfirmed);
    }

    private static EntityDrift drift(Differences.Kind kind, long workos, long database, int maxExamples) {
        return new EntityDrift(workos, database, kind.missing().size(), kind.extra().size(), kind.changed().size(),
                kind.missing().stream().limit(maxExamples).toList(), kind.extra().stream().limit(maxExamples).toList(),
                kind.changed().entrySet().stream().limit(maxExamples)
                        .map(e -> new EntityDrift.Change(e.getKey(), e.getValue())).toList());
    }
}
