package dev.scimsync.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

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
    void shouldBeDescribedInTheArchitectureDocument_Verbatim() throws Exception {
        String described = ProcessorTopology.build(config).describe().toString();
        // written out so that the document can be updated from it when the topology changes
        Path out = Path.of("target", "topology-description.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, described);

        String document = Files.readString(Path.of("..", "docs", "architecture-processor.md"));

        assertThat(normalized(quotedDescription(document)))
                .as("the Topology.describe() quoted in docs/architecture-processor.md; the current one is in %s",
                        out.toAbsolutePath())
                .isEqualTo(normalized(described));
    }

    /** The fenced block of the document that starts with "Topologies:". */
    private static String quotedDescription(String document) {
        int start = document.indexOf("```\nTopologies:");
        assertThat(start).as("a ``` block starting with Topologies: in the document").isNotNegative();
        int from = start + "```\n".length();
        return document.substring(from, document.indexOf("```", from));
    }

    /** Without trailing blanks on each line and at the end, which Markdown editors do not keep. */
    private static String normalized(String text) {
        return text.lines().map(String::stripTrailing).collect(Collectors.joining("\n")).strip();
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
