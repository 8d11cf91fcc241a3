package dev.scimsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.scimsync.core.serde.Timestamps;

class TimestampsTest {

    @Test
    void shouldParseLikeInstantParse_WhenTimestampsAreRandom() {
        Random random = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-30_000_000_000L, 250_000_000_000L),
                    random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000));
            String text = instant.toString();
            // Instant.toString writes 0, 3, 6 or 9 fraction digits; every other length too
            String[] variants = {text, withFractionDigits(instant, random.nextInt(1, 10))};
            for (String variant : variants) {
                assertThat(Timestamps.parse(variant)).as(variant).isEqualTo(Instant.parse(variant));
            }
        }
    }

    @Test
    void shouldFormatLikeInstantToString_WhenInstantsAreRandomOrAtTheEdges() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(random.nextLong(-70_000_000_000L, 260_000_000_000L), nanos);
            assertThat(Timestamps.format(instant)).isEqualTo(instant.toString());
        }
        for (Instant edge : List.of(Instant.EPOCH, Instant.MIN, Instant.MAX, Instant.parse("1000-01-01T00:00:00Z"),
                Instant.parse("0999-12-31T23:59:59.999999999Z"), Instant.parse("9999-12-31T23:59:59.000000001Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("1969-12-31T23:59:59.1Z"))) {
            assertThat(Timestamps.format(edge)).isEqualTo(edge.toString());
        }
    }

    @Test
    void shouldLeaveOtherShapesToInstantParse() {
        for (String text : List.of("2026-03-02T09:00:00+01:00", "2026-03-02T09:00:00z", "2026-03-02 09:00:00Z",
                "2026-03-02T09:00Z", "+12026-03-02T09:00:00Z", "0999-03-02T09:00:00Z", "2026-03-02T09:00:00.Z",
                "2026-03-02T09:00:00.1234567891Z", "2024-12-31T23:59:60Z", "2026-3-02T09:00:00Z")) {
            assertThat(Timestamps.fast(text)).as(text).isNull();
        }
        assertThat(Timestamps.parse("2024-12-31T23:59:60Z")).isEqualTo(Instant.parse("2024-12-31T23:59:60Z"));
        assertThat(Timestamps.parse("0999-03-02T09:00:00Z")).isEqualTo(Instant.parse("0999-03-02T09:00:00Z"));
    }

    @Test
    void shouldAnswerLikeInstantParse_WhenTheTextIsOutOfRangeOrMalformed() {
        for (String text : List.of("2026-02-30T09:00:00Z", "2026-13-02T09:00:00Z", "2026-03-02T24:00:00Z",
                "2026-03-02T09:60:00Z", "2026-03-00T09:00:00Z", "2026-0a-02T09:00:00Z", "not a time",
                "2026-03-02T09:00:00.Z", "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z")) {
            Object expected;
            try {
                expected = Instant.parse(text);
            } catch (DateTimeParseException e) {
                expected = DateTimeParseException.class;
            }
            if (expected instanceof Instant instant) {
                assertThat(Timestamps.parse(text)).as(text).isEqualTo(instant);
            } else {
                assertThatThrownBy(() -> Timestamps.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
            }
        }
    }

    private static String withFractionDigits(Instant instant, int digits) {
        String nanos = String.format("%09d", instant.getNano()).substring(0, digits);
        String seconds = instant.toString();
        int dot = seconds.indexOf('.');
        String base = (dot < 0 ? seconds.substring(0, seconds.length() - 1) : seconds.substring(0, dot));
        return base + "." + nanos + "Z";
    }
}
