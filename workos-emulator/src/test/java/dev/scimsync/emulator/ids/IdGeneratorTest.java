package dev.scimsync.emulator.ids;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IdGeneratorTest {

    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00.123Z");

    @Test
    void shouldIssueStrictlyIncreasingIds_WhenManyAreIssuedInOneMillisecond() {
        IdGenerator ids = new IdGenerator(Clock.fixed(NOW, ZoneOffset.UTC), 42);
        List<String> issued = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            issued.add(ids.next(IdPrefix.EVENT));
        }
        assertThat(issued).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void shouldLookLikeWorkosIds_WithTheTimestampEncodedFirst() {
        String id = new IdGenerator(Clock.fixed(NOW, ZoneOffset.UTC), 1).next(IdPrefix.DIRECTORY_USER);
        assertThat(id).startsWith("directory_user_").hasSize("directory_user_".length() + 26)
                .matches("directory_user_[0-9A-HJKMNP-TV-Z]{26}");
        assertThat(IdGenerator.timestampOf(id)).isEqualTo(NOW);
        assertThat(IdGenerator.lowestIdAt("directory_user_", NOW)).isLessThan(id);
    }

    @Test
    void shouldKeepIncreasing_WhenTheClockStepsBack() {
        MutableClock clock = new MutableClock(NOW);
        IdGenerator ids = new IdGenerator(clock, 7);
        String first = ids.next(IdPrefix.EVENT);
        clock.now = NOW.minusSeconds(5);
        assertThat(ids.next(IdPrefix.EVENT)).isGreaterThan(first);
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
