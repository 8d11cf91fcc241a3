package dev.scimsync.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.Test;

import dev.scimsync.core.config.ConfigException;
import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.processor.state.StateStores;

class ProcessorConfigTest {

    private static final String RETRY_BACKOFF = CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG;

    @Test
    void shouldUseTheDocumentedDefaults_WhenNothingIsSet() {
        ProcessorConfig config = ProcessorConfig.from(ConfigReader.from(Map.of()));

        assertThat(config.bootstrapServers()).isNull();
        assertThat(config.applicationId()).isEqualTo("scim-sync-processor");
        assertThat(config.topics().events().name()).isEqualTo("scim-sync.events");
        assertThat(config.stateDir()).isEqualTo(Path.of("./data").resolve("stream-processor"));
        assertThat(config.dedupRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.tombstoneRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.onBadRecord()).isEqualTo(BadRecordPolicy.DLQ);
    }

    @Test
    void shouldPutTheStateUnderTheDataDirectory_WhenNoStateDirIsSet() {
        ProcessorConfig config = ProcessorConfig.from(ConfigReader.from(Map.of("SCIM_SYNC_DATA_DIR", "/var/scim")));

        assertThat(config.stateDir()).isEqualTo(Path.of("/var/scim/stream-processor"));
    }

    @Test
    void shouldReportEveryProblemTogether_WhenSeveralSettingsAreInvalid() {
        ConfigReader reader = ConfigReader.from(Map.of(
                "SCIM_SYNC_PROCESSOR_DEDUP_RETENTION", "seven days",
                "SCIM_SYNC_PROCESSOR_THREADS", "0",
                "SCIM_SYNC_PROCESSOR_ON_BAD_RECORD", "skip"));

        assertThatThrownBy(() -> ProcessorConfig.from(reader))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3))
                .hasMessageContaining("SCIM_SYNC_PROCESSOR_DEDUP_RETENTION")
                .hasMessageContaining("SCIM_SYNC_PROCESSOR_THREADS")
                .hasMessageContaining("SCIM_SYNC_PROCESSOR_ON_BAD_RECORD");
    }

    @Test
    void shouldAskForExactlyOnceAndTheDlqHandlers() {
        ProcessorConfig config = ProcessorConfig.from(ConfigReader.from(Map.of("SCIM_SYNC_KAFKA_BOOTSTRAP", "k:9092")));

        var props = config.streamsProperties();

        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("k:9092");
        assertThat(props.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG)).isEqualTo("scim-sync.dlq");
        assertThat(props).containsKeys(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG);
    }

    @Test
    void shouldRetryChangelogCreationSoon_InTheMainConsumersAssignor_WhileTheOtherClientsKeepTheDefaultBackoff() {
        ProcessorConfig config = ProcessorConfig.from(ConfigReader.from(Map.of("SCIM_SYNC_KAFKA_BOOTSTRAP", "k:9092")));

        StreamsConfig streams = new StreamsConfig(config.streamsProperties());

        // the partition assignor creates the changelog topics, configured from the main consumer's configuration
        assertThat(String.valueOf(streams.getMainConsumerConfigs("g", "c", 0).get(RETRY_BACKOFF))).isEqualTo("10");
        assertThat(String.valueOf(streams.getProducerConfigs("c").get(RETRY_BACKOFF))).isEqualTo("100");
        assertThat(String.valueOf(streams.getAdminConfigs("c").get(RETRY_BACKOFF))).isEqualTo("100");
        assertThat(String.valueOf(streams.getRestoreConsumerConfigs("c").get(RETRY_BACKOFF))).isEqualTo("100");
    }

    @Test
    void shouldGiveAReplayDisposableState_AtLeastOnceAndStoresWithoutChangelogs_WhileTheLiveStoresKeepTheirs() {
        ProcessorConfig live = ProcessorConfig.from(ConfigReader.from(Map.of("SCIM_SYNC_KAFKA_BOOTSTRAP", "k:9092")));
        ProcessorConfig replay = live.forReplay("replay-1", new Topics("scim-sync.replay-1.").readingEventsOf(
                live.topics()), null, false, 1_000_000);

        assertThat(live.disposableState()).isFalse();
        assertThat(replay.disposableState()).isTrue();
        assertThat(replay.streamsProperties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                .isEqualTo(StreamsConfig.AT_LEAST_ONCE);
        // what aborted transactions left on the events topic is not read, as under exactly-once
        assertThat(replay.streamsProperties().get(StreamsConfig.mainConsumerPrefix(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG))).isEqualTo("read_committed");
        assertThat(replay.applicationId()).isEqualTo("scim-sync-processor-replay-1");
        // the topology takes its stores from StateStores.builders(config.disposableState())
        assertThat(StateStores.builders(live.disposableState())).hasSize(StateStores.ALL.size())
                .allMatch(StoreBuilder::loggingEnabled);
        assertThat(StateStores.builders(replay.disposableState())).hasSize(StateStores.ALL.size())
                .noneMatch(StoreBuilder::loggingEnabled);
    }

    @Test
    void shouldKeepAReplaysStoresOnTheHeapOnlyWhenAskedOrWhenTheyFit() {
        ProcessorConfig live = ProcessorConfig.from(ConfigReader.from(Map.of("SCIM_SYNC_KAFKA_BOOTSTRAP", "k:9092")));
        assertThat(live.replayStores()).isEqualTo(ReplayStores.AUTO);
        assertThat(live.heapState()).isFalse();
        Topics shadow = new Topics("scim-sync.replay-1.").readingEventsOf(live.topics());
        assertThat(live.forReplay("replay-1", shadow, null, true, 1_000_000).heapState()).isTrue();
        // a replay's end is seen at a commit: a small one commits more often, a large one less often than live
        assertThat(live.forReplay("replay-1", shadow, null, true, 6_000).commitInterval())
                .isEqualTo(ProcessorConfig.SMALL_REPLAY_COMMIT_INTERVAL);
        assertThat(live.forReplay("replay-1", shadow, null, true, 1_000_000).commitInterval())
                .isEqualTo(ProcessorConfig.REPLAY_MIN_COMMIT_INTERVAL);
        assertThatThrownBy(() -> new ProcessorConfig(null, live.topics(), "a", live.stateDir(), live.dedupRetention(),
                live.tombstoneRetention(), live.purgeInterval(), live.commitInterval(), live.liveCommitInterval(), 1, 1,
                -1, BadRecordPolicy.DLQ, null, null, false, ReplayStores.AUTO, true))
                .hasMessageContaining("only disposable state");

        Runtime runtime = Runtime.getRuntime();
        long free = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        long fits = free / 2 / ReplayStores.HEAP_BYTES_PER_EVENT / 2;
        long tooMany = free / ReplayStores.HEAP_BYTES_PER_EVENT + 1;
        assertThat(ReplayStores.AUTO.onHeap(fits, runtime)).isTrue();
        assertThat(ReplayStores.AUTO.onHeap(tooMany, runtime)).isFalse();
        assertThat(ReplayStores.HEAP.onHeap(tooMany, runtime)).isTrue();
        assertThat(ReplayStores.DISK.onHeap(1, runtime)).isFalse();
        ProcessorConfig onDisk = ProcessorConfig.from(ConfigReader.from(Map.of("SCIM_SYNC_KAFKA_BOOTSTRAP", "k:9092",
                "SCIM_SYNC_PROCESSOR_REPLAY_STORES", "disk")));
        assertThat(onDisk.replayStores()).isEqualTo(ReplayStores.DISK);
    }

    @Test
    void shouldRejectAPurgeIntervalLongerThanTheTombstoneRetention() {
        ConfigReader reader = ConfigReader.from(Map.of(
                "SCIM_SYNC_PROCESSOR_TOMBSTONE_RETENTION", "PT1H",
                "SCIM_SYNC_PROCESSOR_PURGE_INTERVAL", "PT2H"));

        assertThatThrownBy(() -> ProcessorConfig.from(reader))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(1))
                .hasMessageContaining("SCIM_SYNC_PROCESSOR_PURGE_INTERVAL")
                .hasMessageContaining("SCIM_SYNC_PROCESSOR_TOMBSTONE_RETENTION");
    }

    @Test
    void shouldAcceptADedupRetentionShorterThanThePurgeInterval_SinceTheLookupIgnoresExpiredIdsItself() {
        ProcessorConfig config = ProcessorConfig.from(ConfigReader.from(Map.of(
                "SCIM_SYNC_PROCESSOR_DEDUP_RETENTION", "PT1M", "SCIM_SYNC_PROCESSOR_PURGE_INTERVAL", "PT1H")));

        assertThat(config.dedupRetention()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void shouldRejectADedupRetentionShorterThanOneMillisecond() {
        ConfigReader reader = ConfigReader.from(Map.of("SCIM_SYNC_PROCESSOR_DEDUP_RETENTION", "PT0.0005S"));

        assertThatThrownBy(() -> ProcessorConfig.from(reader))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(1))
                .hasMessageContaining("SCIM_SYNC_PROCESSOR_DEDUP_RETENTION");
    }
}
