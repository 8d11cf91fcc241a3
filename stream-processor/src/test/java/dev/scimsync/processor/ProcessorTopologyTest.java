package dev.scimsync.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

import dev.scimsync.core.config.ConfigReader;
import dev.scimsync.processor.state.StateStores;

class ProcessorTopologyTest {

    private final ProcessorConfig config = ProcessorConfig.from(ConfigReader.from(Map.of()));

    @Test
    void shouldBeOneSubtopologyFromTheEventsTopicToTheStateTopics_WithoutRepartition() {
        TopologyDescription description = ProcessorTopology.build(config).describe();

        assertThat(description.subtopologies()).hasSize(1);
        assertThat(description.globalStores()).isEmpty();
        String text = description.toString();
        assertThat(text).doesNotContain("repartition");
        assertThat(text).contains("topics: [scim-sync.events]");
        for (String sink : new String[] {"scim-sync.members", "scim-sync.groups", "scim-sync.memberships",
                "scim-sync.status"}) {
            assertThat(text).contains("topic: " + sink);
        }
    }

    @Test
    void shouldWriteItsDescriptionForTheArchitectureDocument() throws Exception {
        // docs/architecture.md quotes this file; regenerate it with the tests when the topology changes
        java.nio.file.Path out = java.nio.file.Path.of("target", "topology-description.txt");
        java.nio.file.Files.createDirectories(out.getParent());
        java.nio.file.Files.writeString(out, ProcessorTopology.build(config).describe().toString());

        assertThat(out).content().contains(ProcessorTopology.APPLY);
    }

    @Test
    void shouldAttachEveryStoreToTheApplyProcessor() {
        TopologyDescription.Processor apply = (TopologyDescription.Processor) ProcessorTopology.build(config)
                .describe().subtopologies().iterator().next().nodes().stream()
                .filter(n -> n.name().equals(ProcessorTopology.APPLY)).findFirst().orElseThrow();

        assertThat(apply.stores()).containsExactlyInAnyOrderElementsOf(StateStores.ALL);
    }

    @Test
    void shouldNameTopicsUnderTheConfiguredPrefix() {
        ProcessorConfig prefixed = ProcessorConfig.from(ConfigReader.from(Map.of("SCIM_SYNC_TOPIC_PREFIX", "t1.")));

        assertThat(ProcessorTopology.build(prefixed).describe().toString())
                .contains("topics: [t1.events]").contains("topic: t1.members");
    }
}
