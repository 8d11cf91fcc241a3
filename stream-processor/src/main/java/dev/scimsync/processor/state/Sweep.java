package dev.scimsync.processor.state;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.scimsync.core.model.Version;

/**
 * Work that one record starts and that may go on after it, a bounded number of stored entities at a time (value of
 * the {@link StateStores#SWEEPS} store): a resync's sweep, which counts what it would remove, decides (preview,
 * safeguard) and then removes, or a directory's removal (dsync.deleted). Between two steps the partition's other
 * events are applied, the organization's own included; each step decides on every entity as it finds it then, so
 * what changed in between counts (see {@link ResyncSweeper} and {@link DirectoryRules}).
 *
 * @param phase     what the next step does
 * @param cursor    the last entity key of {@code phase} gone through; null = the phase starts
 * @param startedAt this processor's wall clock when the starting record was applied
 * @param steps     steps taken so far (the starting record's included)
 * @param resync    the resync being swept (kind RESYNC), as it was when its end marker came
 * @param eventId   the starting record's event id (the end marker's, the dsync.deleted's)
 * @param present   entities present when counted (RESYNC)
 * @param unseen    of those, the ones the resync would remove (RESYNC)
 * @param removed   removed so far
 * @param version   the directory removal's version (DIRECTORY)
 * @param previous  the directory's earlier removal, whose entities this one takes over (DIRECTORY); may be null
 */
public record Sweep(Kind kind, String organizationId, Phase phase, String cursor, Instant startedAt, int steps,
                    ActiveResync resync, String eventId, Instant eventCreatedAt, Counts present, Counts unseen,
                    Counts removed, String directoryId, Version version, Version previous) {

    /** What is swept. */
    public enum Kind {
        RESYNC, DIRECTORY
    }

    /** The steps of a sweep, in order; a directory's removal has only the REMOVE ones. */
    public enum Phase {
        COUNT_MEMBERS, COUNT_GROUPS, COUNT_MEMBERSHIPS, REMOVE_MEMBERS, REMOVE_GROUPS, REMOVE_MEMBERSHIPS
    }

    /** Members, groups, memberships. */
    public record Counts(long members, long groups, long memberships) {

        static final Counts ZERO = new Counts(0, 0, 0);

        Counts plus(long m, long g, long s) {
            return new Counts(members + m, groups + g, memberships + s);
        }
    }

    /**
     * What removing an entity costs in a step's budget, against 1 for an entity only read: a removal writes the
     * entity, ends its memberships (each a write, an index delete, an expiry and an output record) and emits them.
     * Measured on a 500,000-user resync (2 cores, the writer and PostgreSQL busy beside): a step of 10,000 reads
     * took ~0.2 s, one of 1,000 member removals 1.07 s.
     */
    static final int REMOVAL_COST = 50;

    /**
     * A step also ends once it has run this long (checked every {@link #BATCH} entities), whatever is left of its
     * budget: on a loaded machine with a large organization, 10,000 reads took up to a second.
     */
    static final Duration STEP_TIME = Duration.ofMillis(200);

    /** Entities read at once within a step: how often the step's time is checked. */
    static final int BATCH = 1_000;

    /** What a step may still read now: what is left of its budget, at most a batch; 0 once its time is up. */
    static int nextBatch(int budget, int visited, long deadline) {
        return System.nanoTime() - deadline >= 0 ? 0 : Math.min(budget - visited, BATCH);
    }

    /** What a removal pass of one step went through: visits, the last key it went through, whether it ended. */
    record Pass(int visited, String last, boolean done) {
    }

    /**
     * Goes through {@code batch} (at most {@code budget} entities read after {@code cursor}), calling {@code removal}
     * on each until {@code budget} visits: an entity removed counts {@link #REMOVAL_COST}, one left as it is 1. Done
     * when it went through a batch shorter than asked for (nothing is left after it).
     */
    static <E> Pass through(List<E> batch, String cursor, int budget, Function<E, String> keyOf,
                            Predicate<E> removal) {
        int visited = 0;
        String last = cursor;
        for (E entity : batch) {
            if (visited >= budget) {
                return new Pass(visited, last, false);
            }
            visited += removal.test(entity) ? REMOVAL_COST : 1;
            last = keyOf.apply(entity);
        }
        return new Pass(visited, last, batch.size() < budget);
    }

    static Sweep resync(String organizationId, ActiveResync resync, String eventId, Instant eventCreatedAt,
                        Instant now) {
        return new Sweep(Kind.RESYNC, organizationId, Phase.COUNT_MEMBERS, null, now, 0, resync, eventId,
                eventCreatedAt, Counts.ZERO, Counts.ZERO, Counts.ZERO, null, null, null);
    }

    static Sweep directory(String organizationId, String directoryId, Version version, Version previous,
                           String eventId, Instant eventCreatedAt, Instant now) {
        return new Sweep(Kind.DIRECTORY, organizationId, Phase.REMOVE_MEMBERS, null, now, 0, null, eventId,
                eventCreatedAt, Counts.ZERO, Counts.ZERO, Counts.ZERO, directoryId, version, previous);
    }

    /** The store key: one sweep per resync, one removal per directory (a newer dsync.deleted takes over). */
    String key() {
        return organizationId + '|' + (kind == Kind.RESYNC ? "r|" + resync.resyncId() : "d|" + directoryId);
    }

    Sweep at(Phase nextPhase, String nextCursor) {
        return new Sweep(kind, organizationId, nextPhase, nextCursor, startedAt, steps, resync, eventId,
                eventCreatedAt, present, unseen, removed, directoryId, version, previous);
    }

    Sweep counted(Counts nextPresent, Counts nextUnseen) {
        return new Sweep(kind, organizationId, phase, cursor, startedAt, steps, resync, eventId, eventCreatedAt,
                nextPresent, nextUnseen, removed, directoryId, version, previous);
    }

    /** One more step, which removed these many members, groups and memberships. */
    Sweep stepped(long members, long groups, long memberships) {
        return new Sweep(kind, organizationId, phase, cursor, startedAt, steps + 1, resync, eventId, eventCreatedAt,
                present, unseen, removed.plus(members, groups, memberships), directoryId, version,
                previous);
    }
}
