package dev.scimsync.writer.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class RetryTest {

    private final List<Duration> waits = new ArrayList<>();
    private final Retry retry = new Retry(4, Duration.ofMillis(100), Duration.ofMillis(250),
            TransientErrors::isRetryable, waits::add);

    @Test
    void shouldRetryTransientErrors_WithGrowingCappedBackoff() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        String result = retry.call("op", () -> {
            if (calls.incrementAndGet() < 4) {
                throw new SQLException("connection reset", "08006");
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(250));
    }

    @Test
    void shouldGiveUp_AfterMaxAttempts() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.call("op", () -> {
            calls.incrementAndGet();
            throw new SQLException("deadlock", "40P01");
        })).hasMessage("deadlock");
        assertThat(calls).hasValue(4);
    }

    @Test
    void shouldNotRetry_ConstraintViolations() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.call("op", () -> {
            calls.incrementAndGet();
            throw new SQLException("duplicate key", "23505");
        })).hasMessage("duplicate key");
        assertThat(calls).hasValue(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void shouldAlsoRetry_WhatOrWhenAdds_WithTheSameAttemptsAndBackoff() {
        AtomicInteger calls = new AtomicInteger();
        Retry wider = retry.orWhen(e -> e instanceof SQLException sql && "57014".equals(sql.getSQLState()));
        assertThatThrownBy(() -> wider.call("op", () -> {
            calls.incrementAndGet();
            throw new SQLException("canceling statement due to statement timeout", "57014");
        })).hasMessageContaining("statement timeout");
        assertThat(calls).hasValue(4);
        assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(250));
    }

    @Test
    void shouldTellRecordErrors_FromErrorsThatFailEveryRecord() {
        for (String state : List.of("22001", "22021", "23505", "23514", "54000")) {
            assertThat(RecordErrors.isRecordError(new SQLException("x", state))).as(state).isTrue();
        }
        for (String state : List.of("57014", "42501", "42703", "42P01", "53100", "08006", "XX000")) {
            assertThat(RecordErrors.isRecordError(new SQLException("x", state))).as(state).isFalse();
            assertThat(RecordErrors.isDatabaseError(new SQLException("x", state))).as(state).isTrue();
        }
        BatchUpdateException batch = new BatchUpdateException("batch failed", null, new int[0]);
        batch.setNextException(new SQLException("value too long", "22001"));
        assertThat(RecordErrors.isRecordError(batch)).isTrue();
        assertThat(RecordErrors.isRecordError(new RuntimeException("wrapped", new SQLException("x", "23503")))).isTrue();
        assertThat(RecordErrors.isDatabaseError(new IllegalStateException("not a database error"))).isFalse();
    }

    @Test
    void shouldRecogniseTransientStates() {
        assertThat(TransientErrors.isRetryable(new SQLException("x", "40001"))).isTrue();
        assertThat(TransientErrors.isRetryable(new SQLException("x", "57P01"))).isTrue();
        assertThat(TransientErrors.isRetryable(new SQLException("x", "08001"))).isTrue();
        assertThat(TransientErrors.isRetryable(new SQLTransientConnectionException("pool timeout"))).isTrue();
        assertThat(TransientErrors.isRetryable(new RuntimeException(new SQLException("x", "40P01")))).isTrue();
        assertThat(TransientErrors.isRetryable(new SQLException("x", "22021"))).isFalse();
        assertThat(TransientErrors.isRetryable(new IllegalStateException("x"))).isFalse();
    }

    @Test
    void shouldLookIntoTheBatchsNextException() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 0 was aborted", new int[0]);
        batch.setNextException(new SQLException("terminating connection due to administrator command", "57P01"));
        assertThat(TransientErrors.isRetryable(batch)).isTrue();
        assertThat(TransientErrors.describe(batch)).contains("administrator command").contains("57P01");
    }
}
