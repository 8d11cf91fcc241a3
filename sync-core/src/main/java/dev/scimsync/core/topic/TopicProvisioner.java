package dev.scimsync.core.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics when they are missing and waits until every partition answers
 * {@code listOffsets}: producing to a partition whose leader is not ready yet can make an idempotent
 * producer loop on {@code OutOfOrderSequenceException}.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final Topics topics;
    private final int partitions;
    private final short replicationFactor;
    private final long eventsRetentionMs;

    /**
     * @param replicationFactor of every topic; -1 = the broker's default.replication.factor
     * @param eventsRetentionMs retention of the events topic; -1 keeps events forever (the default: they
     *                          are small and make replay possible)
     */
    public TopicProvisioner(Admin admin, Topics topics, int partitions, short replicationFactor, long eventsRetentionMs) {
        this.admin = admin;
        this.topics = topics;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.eventsRetentionMs = eventsRetentionMs;
    }

    /** Every topic of the pipeline: events, state, status, DLQ, cursor, commands. */
    public void ensureAll(Duration timeout) {
        List<NewTopic> wanted = new ArrayList<>();
        wanted.add(topic(topics.events().name(), partitions, Map.of(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(eventsRetentionMs),
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)));
        for (String compacted : List.of(topics.members().name(), topics.groups().name(),
                topics.memberships().name(), topics.status().name())) {
            wanted.add(topic(compacted, partitions, Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        }
        // one cursor for the whole WorkOS environment: a single partition
        wanted.add(topic(topics.cursor().name(), 1, Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        wanted.add(topic(topics.dlq().name(), 1, Map.of(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(30).toMillis()))));
        wanted.add(topic(topics.commands().name(), 1, Map.of()));
        ensure(wanted, timeout);
    }

    /** Creates the missing ones of {@code wanted} and waits until all of their partitions are readable. */
    public void ensure(Collection<NewTopic> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    // another instance created it meanwhile: fine
                }
            }
            awaitReadable(wanted.stream().map(NewTopic::name).toList(), deadline);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create or describe topics "
                    + wanted.stream().map(NewTopic::name).toList() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    private void awaitReadable(List<String> names, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames()
                        .get(5, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> request = new HashMap<>();
                descriptions.values().forEach(d -> d.partitions().forEach(
                        p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
                admin.listOffsets(request).all().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private NewTopic topic(String name, int partitionCount, Map<String, String> configs) {
        Optional<Short> replication = replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor);
        return new NewTopic(name, Optional.of(partitionCount), replication).configs(configs);
    }
}
