package dev.scimsync.processor;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.StoreBuilder;

import dev.scimsync.core.topic.Topic;
import dev.scimsync.core.topic.Topics;
import dev.scimsync.processor.event.EnvelopeReader;
import dev.scimsync.processor.metrics.ProcessorMetrics;
import dev.scimsync.processor.partition.OrganizationStreamPartitioner;
import dev.scimsync.processor.state.DirectoryStateProcessor;
import dev.scimsync.processor.state.StateStores;

/**
 * The stream processor's topology, a pure function of its configuration:
 *
 * <pre>
 * events ──▶ apply-directory-events ──▶ members, groups, memberships, status
 *            (dedup-ids, members, groups, memberships, memberships-by-member, removals, directory-removals,
 *             status, pending-status stores)
 * </pre>
 *
 * Keyed by organization id from source to sinks, no repartition; every sink writes to the organization's
 * partition. Bad records reach the DLQ through the exception handlers configured by
 * {@link ProcessorConfig#streamsProperties()}.
 */
public final class ProcessorTopology {

    public static final String SOURCE = "events-source";
    public static final String APPLY = "apply-directory-events";
    public static final String ONLY_ORGANIZATION = "only-organization";

    private ProcessorTopology() {
    }

    public static Topology build(ProcessorConfig config) {
        return build(config, ProcessorMetrics.NONE);
    }

    public static Topology build(ProcessorConfig config, ProcessorMetrics metrics) {
        Topics topics = config.topics();
        Topology topology = new Topology();
        topology.addSource(SOURCE, topics.events().keySerde().deserializer(), new EnvelopeReader(),
                topics.events().name());
        String applyParent = SOURCE;
        if (config.onlyOrganization() != null) {
            // a replay of one organization: the others' events are skipped before anything is parsed or stored
            topology.addProcessor(ONLY_ORGANIZATION, () -> new OrganizationFilter(config.onlyOrganization()), SOURCE);
            applyParent = ONLY_ORGANIZATION;
        }
        AtomicLong lastLiveCommit = new AtomicLong();
        topology.addProcessor(APPLY, () -> new DirectoryStateProcessor(config.dedupRetention(),
                config.tombstoneRetention(), config.purgeInterval(), config.commitInterval(), config.liveCommitInterval(),
                lastLiveCommit, config.sweepStep(), metrics), applyParent);
        for (StoreBuilder<?> store : StateStores.builders(config.disposableState(), config.heapState())) {
            topology.addStateStore(store, APPLY);
        }
        sink(topology, DirectoryStateProcessor.MEMBERS_SINK, topics.members());
        sink(topology, DirectoryStateProcessor.GROUPS_SINK, topics.groups());
        sink(topology, DirectoryStateProcessor.MEMBERSHIPS_SINK, topics.memberships());
        sink(topology, DirectoryStateProcessor.STATUS_SINK, topics.status());
        return topology;
    }

    private static <V> void sink(Topology topology, String name, Topic<String, V> topic) {
        topology.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
                new OrganizationStreamPartitioner<V>(), APPLY);
    }
}
