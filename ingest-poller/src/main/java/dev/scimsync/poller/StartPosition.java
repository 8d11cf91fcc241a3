package dev.scimsync.poller;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Where a poller with no stored cursor starts reading the Events API.
 *
 * @param rangeStart null for "earliest" (the oldest event WorkOS still retains), otherwise the instant
 *                   passed as {@code range_start}
 */
public record StartPosition(Instant rangeStart) {

    public static final StartPosition EARLIEST = new StartPosition(null);

    /** Parses {@code earliest}, {@code now} (resolved against the clock) or an ISO-8601 instant. */
    public static StartPosition parse(String text, Clock clock) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("earliest")) {
            return EARLIEST;
        }
        if (value.equals("now")) {
            return new StartPosition(clock.instant());
        }
        try {
            return new StartPosition(Instant.parse(text.trim()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected earliest, now or an ISO-8601 instant such as "
                    + "2026-01-31T00:00:00Z, got '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return rangeStart == null ? "earliest" : rangeStart.toString();
    }
}
