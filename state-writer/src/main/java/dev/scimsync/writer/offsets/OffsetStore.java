package dev.scimsync.writer.offsets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.apache.kafka.common.TopicPartition;

import dev.scimsync.writer.db.PostgresDialect;

/**
 * The writer's Kafka positions in {@code writer_offsets}, the source of truth for where to resume. Kafka's
 * own committed offsets are only a hint for tooling.
 */
public final class OffsetStore {

    private final PostgresDialect dialect;
    private final String consumerGroup;

    public OffsetStore(PostgresDialect dialect, String consumerGroup) {
        this.dialect = dialect;
        this.consumerGroup = consumerGroup;
    }

    /** Stored next offsets of every partition of the given topics that has one. */
    public Map<TopicPartition, Long> load(Connection connection, Collection<String> topics) throws SQLException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(dialect.selectOffsets())) {
            ps.setString(1, consumerGroup);
            ps.setArray(2, connection.createArrayOf("text", topics.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    offsets.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
                }
            }
        }
        return offsets;
    }

    /**
     * Stores the next offsets, in the caller's transaction, moving each only from its expected value (absent
     * in {@code expected} = no row expected).
     */
    public void advance(Connection connection, Map<TopicPartition, Long> next, Map<TopicPartition, Long> expected)
            throws SQLException, FencedException {
        // a fixed order, so that two writers never wait on each other's rows in opposite orders
        Map<String, TopicPartition> ordered = new TreeMap<>();
        next.keySet().forEach(tp -> ordered.put(tp.topic() + "\u0000" + String.format("%010d", tp.partition()), tp));
        try (PreparedStatement update = connection.prepareStatement(dialect.advanceOffset());
             PreparedStatement insert = connection.prepareStatement(dialect.insertOffset())) {
            for (TopicPartition tp : ordered.values()) {
                Long was = expected.get(tp);
                int count;
                if (was == null) {
                    insert.setString(1, consumerGroup);
                    insert.setString(2, tp.topic());
                    insert.setInt(3, tp.partition());
                    insert.setLong(4, next.get(tp));
                    count = insert.executeUpdate();
                } else {
                    update.setLong(1, next.get(tp));
                    update.setString(2, consumerGroup);
                    update.setString(3, tp.topic());
                    update.setInt(4, tp.partition());
                    update.setLong(5, was);
                    count = update.executeUpdate();
                }
                if (count != 1) {
                    throw new FencedException(tp, was);
                }
            }
        }
    }

    /** Forgets every stored offset of this consumer group: the next writer replays the topics from the start. */
    public void reset(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement ps = connection.prepareStatement(dialect.resetOffsets())) {
            connection.setAutoCommit(true);
            ps.setString(1, consumerGroup);
            ps.executeUpdate();
        }
    }

    public String consumerGroup() {
        return consumerGroup;
    }
}
