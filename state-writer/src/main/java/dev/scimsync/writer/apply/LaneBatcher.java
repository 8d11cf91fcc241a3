package dev.scimsync.writer.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * JDBC batches per lane, executed in arrival order within each lane: when a lane's next operation uses
 * another statement (an upsert after a removal, say), the pending batch runs first. This keeps the effect
 * independent of how records were cut into batches (see {@code docs/database.md}).
 */
final class LaneBatcher implements AutoCloseable {

    private static final class Lane {
        private String sql;
        private final List<IntConsumer> results = new ArrayList<>();
    }

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final Map<String, Lane> lanes = new LinkedHashMap<>();

    LaneBatcher(Connection connection) {
        this.connection = connection;
    }

    /** Queues an operation; {@code onCount} receives its update count when the lane is flushed. */
    void add(Operation operation, IntConsumer onCount) throws SQLException {
        Lane lane = lanes.computeIfAbsent(operation.lane(), k -> new Lane());
        if (lane.sql != null && !lane.sql.equals(operation.sql())) {
            flush(lane);
        }
        PreparedStatement statement = statements.get(operation.sql());
        if (statement == null) {
            statement = connection.prepareStatement(operation.sql());
            statements.put(operation.sql(), statement);
        }
        operation.binder().bind(statement);
        statement.addBatch();
        lane.sql = operation.sql();
        lane.results.add(onCount);
    }

    void flushAll() throws SQLException {
        for (Lane lane : lanes.values()) {
            flush(lane);
        }
    }

    private void flush(Lane lane) throws SQLException {
        if (lane.results.isEmpty()) {
            return;
        }
        PreparedStatement statement = statements.get(lane.sql);
        int[] counts;
        try {
            counts = statement.executeBatch();
        } catch (SQLException e) {
            discardAll();
            throw e;
        }
        for (int i = 0; i < counts.length; i++) {
            lane.results.get(i).accept(counts[i] == Statement.SUCCESS_NO_INFO ? 1 : counts[i]);
        }
        lane.results.clear();
    }

    /** Drops every queued operation (after a failure, before a savepoint rollback). */
    void discardAll() throws SQLException {
        for (PreparedStatement statement : statements.values()) {
            statement.clearBatch();
        }
        for (Lane lane : lanes.values()) {
            lane.results.clear();
        }
    }

    @Override
    public void close() throws SQLException {
        SQLException first = null;
        for (PreparedStatement statement : statements.values()) {
            try {
                statement.close();
            } catch (SQLException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
