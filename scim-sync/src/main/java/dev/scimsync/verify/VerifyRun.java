package dev.scimsync.verify;

import java.time.Instant;
import java.util.Map;

/**
 * One drift check as the admin API shows it ({@code GET /api/organizations/{id}/verify/{verify_id}}).
 *
 * @param state  {@code running}, {@code completed} or {@code failed}
 * @param phase  while running: {@code queued}, {@code scanning} or {@code rechecking}; null once finished
 * @param error  why it failed (safe to show: ids, never member data); null otherwise
 * @param report the drift report once completed ({@link DriftReport#toJson()}); null otherwise
 */
public record VerifyRun(String verifyId, String organizationId, String state, String phase, Instant startedAt,
                        Instant finishedAt, String error, Map<String, Object> report) {

    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";

    public boolean running() {
        return state.equals(RUNNING);
    }

    VerifyRun inPhase(String newPhase) {
        return new VerifyRun(verifyId, organizationId, state, newPhase, startedAt, null, null, null);
    }

    VerifyRun completed(DriftReport drift, Instant at) {
        return new VerifyRun(verifyId, organizationId, COMPLETED, null, startedAt, at, null, drift.toJson());
    }

    VerifyRun failed(String reason, Instant at) {
        return new VerifyRun(verifyId, organizationId, FAILED, null, startedAt, at, reason, null);
    }
}
