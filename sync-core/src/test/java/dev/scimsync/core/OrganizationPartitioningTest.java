package dev.scimsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import dev.scimsync.core.model.EntityKeys;
import dev.scimsync.core.topic.OrganizationPartitioning;

class OrganizationPartitioningTest {

    @Test
    void shouldMatchKafkasDefaultPartitioner_SoEventsAndStateOfAnOrganizationShareAPartition() {
        for (int i = 0; i < 500; i++) {
            String org = "org_01J" + i;
            int expected = BuiltInPartitioner.partitionForKey(org.getBytes(StandardCharsets.UTF_8), 12);
            assertThat(OrganizationPartitioning.partitionOf(org, 12)).isEqualTo(expected);
            assertThat(OrganizationPartitioning.partitionOfKey(EntityKeys.member(org, "directory_user_" + i), 12))
                    .isEqualTo(expected);
            assertThat(OrganizationPartitioning.partitionOfKey(
                    EntityKeys.membership(org, "directory_group_1", "directory_user_" + i), 12)).isEqualTo(expected);
        }
    }
}
