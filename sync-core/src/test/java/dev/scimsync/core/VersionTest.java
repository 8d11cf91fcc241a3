package dev.scimsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.scimsync.core.model.Version;

class VersionTest {

    private static final Instant T1 = Instant.parse("2026-11-29T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-29T10:00:01Z");

    @Test
    void shouldOrderByTimestampFirst() {
        assertThat(new Version(T2, "event_A").isNewerThan(new Version(T1, "event_Z"))).isTrue();
        assertThat(new Version(T1, "event_Z").isNewerThan(new Version(T2, "event_A"))).isFalse();
    }

    @Test
    void shouldBreakTiesByEventId_WhenTimestampsAreEqual() {
        assertThat(new Version(T1, "event_02").isNewerThan(new Version(T1, "event_01"))).isTrue();
        assertThat(new Version(T1, "event_01").isNewerThan(new Version(T1, "event_02"))).isFalse();
    }

    @Test
    void shouldNotBeNewerThanItself_SoRedeliveriesAreStale() {
        assertThat(new Version(T1, "event_01").isNewerThan(new Version(T1, "event_01"))).isFalse();
    }

    @Test
    void shouldLetAResyncSnapshotLoseTiesAgainstRealEvents() {
        assertThat(new Version(T1, "").isNewerThan(new Version(T1, "event_01"))).isFalse();
        assertThat(new Version(T1, "").isNewerThan(null)).isTrue();
    }

    @Test
    void shouldLetASweepWinTiesAgainstRealEvents_AndTellWorkosEventsApart() {
        assertThat(Version.sweep(T1, "resync_1").isNewerThan(new Version(T1, "event_01ZZZZ"))).isTrue();
        assertThat(new Version(T1, "event_01").fromWorkosEvent()).isTrue();
        assertThat(new Version(T1, "").fromWorkosEvent()).isFalse();
        assertThat(Version.sweep(T1, "resync_1").fromWorkosEvent()).isFalse();
    }
}
