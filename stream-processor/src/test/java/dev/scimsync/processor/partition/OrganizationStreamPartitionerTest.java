package dev.scimsync.processor.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.scimsync.core.model.EntityKeys;
import dev.scimsync.core.topic.OrganizationPartitioning;

class OrganizationStreamPartitionerTest {

    private final OrganizationStreamPartitioner<Object> partitioner = new OrganizationStreamPartitioner<>();

    @Test
    void shouldPutEveryEntityOfAnOrganizationInTheOrganizationsPartition() {
        for (int i = 0; i < 50; i++) {
            String org = "org_" + i;
            int expected = OrganizationPartitioning.partitionOf(org, 6);
            for (String key : new String[] {org, EntityKeys.member(org, "directory_user_" + i),
                    EntityKeys.group(org, "directory_group_" + i),
                    EntityKeys.membership(org, "directory_group_" + i, "directory_user_" + i)}) {
                assertThat(partitioner.partitions("t", key, null, 6)).contains(Set.of(expected));
            }
        }
    }
}
