package dev.scimsync.replay;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A replay as the admin API and the CLI show it.
 *
 * @param organizationId null for the whole environment
 * @param eventsTotal    events of the history to replay (the organization's partition for one organization)
 * @param etaSeconds     null until a rate is known
 * @param changes        what the switch changed, per table ({@code +inserted ~updated -deleted}); null before
 * @param error          why it failed; null otherwise
 * @param stores         where its processor keeps its stores, {@code heap} or {@code rocksdb}
 *                       ({@code SCIM_SYNC_PROCESSOR_REPLAY_STORES}); null until decided
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplayProgress(
        @JsonProperty("replay_id") String replayId,
        @JsonProperty("organization_id") String organizationId,
        @JsonProperty("state") ReplayState state,
        @JsonProperty("events_replayed") long eventsReplayed,
        @JsonProperty("events_total") long eventsTotal,
        @JsonProperty("events_per_second") double eventsPerSecond,
        @JsonProperty("eta_seconds") Long etaSeconds,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("finished_at") Instant finishedAt,
        @JsonProperty("changes") String changes,
        @JsonProperty("error") String error,
        @JsonProperty("stores") String stores) {
}
