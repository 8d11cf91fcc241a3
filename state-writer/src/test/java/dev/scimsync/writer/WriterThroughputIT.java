package dev.scimsync.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.scimsync.core.model.Member;
import dev.scimsync.testkit.SharedKafka;
import dev.scimsync.testkit.SharedPostgres;
import dev.scimsync.writer.apply.BatchWriter;
import dev.scimsync.writer.apply.RecordDecoder;
import dev.scimsync.writer.db.PostgresDialect;
import dev.scimsync.writer.metrics.WriterMetrics;
import dev.scimsync.writer.offsets.OffsetStore;

/**
 * Not a test of speed (nothing is asserted about it): measures rows/s of the writer next to a plain COPY of
 * the same rows into a table of the same shape, in the same run, and logs both (also to
 * {@code target/writer-throughput.txt}). COPY and BatchWriter figures are the best of {@value #RUNS} runs,
 * each into a fresh database, so that a busy machine disturbs the comparison less.
 */
@ExtendWith({SharedPostgres.class, SharedKafka.class})
class WriterThroughputIT {

    private static final Logger LOG = LoggerFactory.getLogger(WriterThroughputIT.class);
    private static final int ORGANIZATIONS = 20;
    private static final int MEMBERS = 20_000;
    private static final int BATCH = 500;
    private static final int RUNS = 3;

    @Test
    void measureWriterAgainstCopy() throws Exception {
        TestTopics topics = TestTopics.create("throughput");
        TopicLog log = new TopicLog(topics.topics(), TestTopics.PARTITIONS);
        for (int i = 0; i < MEMBERS; i++) {
            log.member(Fixtures.aMember("org_" + (i % ORGANIZATIONS), "directory_user_" + i).at(1000 + i).build());
        }
        List<ConsumerRecord<byte[], byte[]>> records = log.consumerRecords();

        // the same members in one organization: what a per-batch recount of the organization would suffer from
        TopicLog oneOrganization = new TopicLog(topics.topics(), TestTopics.PARTITIONS);
        for (int i = 0; i < MEMBERS; i++) {
            oneOrganization.member(Fixtures.aMember("org_large", "directory_user_" + i).at(1000 + i).build());
        }

        double copyRate = 0;
        double batchRate = 0;
        double oneOrganizationRate = 0;
        double kafkaRate;
        for (int run = 0; run < RUNS; run++) {
            try (TestDatabase db = TestDatabase.create()) {
                copyRate = Math.max(copyRate, copy(db, log));
            }
            batchRate = Math.max(batchRate, batchWriterRate(topics, records));
            oneOrganizationRate = Math.max(oneOrganizationRate, batchWriterRate(topics, oneOrganization.consumerRecords()));
        }
        try (TestDatabase db = TestDatabase.create()) {
            Map<TopicPartition, Long> ends = topics.produce(log.producerRecords());
            WriterConfig config = StateWriterIT.config(topics, db, topics.topics().prefix() + "bench", BATCH);
            long start = System.nanoTime();
            StateWriterIT.runUntilCaughtUp(new StateWriter(config, db.dataSource(), new SimpleMeterRegistry()), ends);
            kafkaRate = rate(MEMBERS, System.nanoTime() - start);
            assertThat(db.scalar("SELECT count(*) FROM members")).isEqualTo((long) MEMBERS);
        }

        String report = String.format("rows=%d batch=%d cores=%d%n"
                        + "  COPY into a members-shaped table:            %,10.0f rows/s%n"
                        + "  BatchWriter (version-guarded upserts, offsets, counts): %,10.0f rows/s%n"
                        + "  BatchWriter, all members in one organization:          %,10.0f rows/s%n"
                        + "  StateWriter end to end from Kafka (incl. group join):  %,10.0f rows/s%n",
                MEMBERS, BATCH, Runtime.getRuntime().availableProcessors(), copyRate, batchRate, oneOrganizationRate,
                kafkaRate);
        LOG.info("state-writer throughput\n{}", report);
        Files.writeString(Path.of("target", "writer-throughput.txt"), report);
    }

    private static double batchWriterRate(TestTopics topics, List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            BatchWriter writer = new BatchWriter(db.dataSource(), new RecordDecoder(topics.topics()),
                    new OffsetStore(new PostgresDialect(), "bench"), dev.scimsync.writer.db.Retry.forDatabase(3, Duration.ofMillis(50), Duration.ofMillis(200)), letters -> { },
                    new WriterMetrics(new SimpleMeterRegistry(), Clock.systemUTC()));
            long start = System.nanoTime();
            for (int from = 0; from < records.size(); from += BATCH) {
                writer.write(records.subList(from, Math.min(records.size(), from + BATCH)));
            }
            double rate = rate(records.size(), System.nanoTime() - start);
            assertThat(db.scalar("SELECT count(*) FROM members")).isEqualTo((long) records.size());
            assertThat(db.scalar("SELECT sum(members) FROM sync_status")).isEqualTo(java.math.BigDecimal.valueOf(records.size()));
            return rate;
        }
    }

    private static double copy(TestDatabase db, TopicLog log) throws Exception {
        StringBuilder csv = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> r : log.consumerRecords()) {
            Member m = new dev.scimsync.core.topic.Topics("x").members().valueSerde().deserializer().deserialize("-", r.value());
            csv.append(String.join(",", m.organizationId(), m.directoryUserId(), "directory", m.directoryId(), m.idpId(),
                    m.email(), m.firstName(), m.lastName(), m.state(), quote(m.roles().toString()),
                    quote(m.customAttributes().toString()), m.version().at().toString(), m.version().eventId(),
                    m.version().at().toString(), m.version().at().toString())).append('\n');
        }
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE members_copy (LIKE members INCLUDING DEFAULTS)");
            long start = System.nanoTime();
            long rows = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY members_copy (organization_id, "
                    + "directory_user_id, source, directory_id, idp_id, email, first_name, last_name, state, roles, "
                    + "custom_attributes, version_at, version_event_id, created_at, updated_at) FROM STDIN WITH (FORMAT csv)",
                    new StringReader(csv.toString()));
            double rate = rate(rows, System.nanoTime() - start);
            assertThat(rows).isEqualTo(MEMBERS);
            return rate;
        }
    }

    private static String quote(String value) {
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private static double rate(long rows, long nanos) {
        return rows / (nanos / 1e9);
    }
}
