package dev.scimsync.emulator.ids;

import java.time.Clock;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Issues WorkOS-style ids ({@code prefix_} + a 26-character ULID in Crockford base32).
 *
 * <p>Ids are strictly increasing in issue order across all prefixes: the 48-bit millisecond
 * timestamp comes first, and within one millisecond (or if the clock steps back) the 80-bit
 * random part is incremented instead of redrawn. So a lexicographic sort of event ids is their
 * creation order, which the poller's cursor and the stream processor's ordering rely on.
 */
public final class IdGenerator {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final int TIME_CHARS = 10;
    private static final int RANDOM_CHARS = 16;
    private static final long RANDOM_HIGH_MASK = 0xFFFFL; // the top 16 of the 80 random bits

    private final Clock clock;
    private final SplittableRandom random;
    private long lastMillis = -1;
    private long randomHigh;
    private long randomLow;

    public IdGenerator(Clock clock, long seed) {
        this.clock = clock;
        this.random = new SplittableRandom(seed);
    }

    /** Returns a new id such as {@code event_01HZX…}; thread-safe. */
    public synchronized String next(String prefix) {
        long now = clock.millis();
        if (now > lastMillis) {
            lastMillis = now;
            // keep the top bit clear so an increment within one millisecond never overflows
            randomHigh = random.nextLong() & (RANDOM_HIGH_MASK >>> 1);
            randomLow = random.nextLong();
        } else {
            randomLow++;
            if (randomLow == 0) {
                randomHigh = (randomHigh + 1) & RANDOM_HIGH_MASK;
            }
        }
        return prefix + encode(lastMillis, randomHigh, randomLow);
    }

    /** Makes later ids sort after {@code id} (used after loading persisted state). */
    public synchronized void advancePast(String id) {
        long millis = timestampOf(id).toEpochMilli();
        if (millis >= lastMillis) {
            lastMillis = millis;
            randomHigh = RANDOM_HIGH_MASK >>> 1;
            randomLow = Long.MAX_VALUE;
        }
    }

    /** The creation time encoded in an id issued by this class. */
    public static Instant timestampOf(String id) {
        String ulid = id.substring(id.length() - TIME_CHARS - RANDOM_CHARS, id.length() - RANDOM_CHARS);
        long millis = 0;
        for (char c : ulid.toCharArray()) {
            millis = (millis << 5) | decode(c);
        }
        return Instant.ofEpochMilli(millis);
    }

    /** The smallest id with {@code prefix} whose timestamp is {@code instant}; for range queries. */
    public static String lowestIdAt(String prefix, Instant instant) {
        return prefix + encode(instant.toEpochMilli(), 0, 0);
    }

    private static String encode(long millis, long high, long low) {
        char[] out = new char[TIME_CHARS + RANDOM_CHARS];
        for (int i = TIME_CHARS - 1; i >= 0; i--) {
            out[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        // 80 random bits = high(16) + low(64), written as 16 characters of 5 bits
        for (int i = TIME_CHARS + RANDOM_CHARS - 1; i >= TIME_CHARS; i--) {
            out[i] = ALPHABET[(int) (low & 31)];
            low = (low >>> 5) | ((high & 31) << 59);
            high >>>= 5;
        }
        return new String(out);
    }

    private static int decode(char c) {
        for (int i = 0; i < ALPHABET.length; i++) {
            if (ALPHABET[i] == c) {
                return i;
            }
        }
        throw new IllegalArgumentException("not a Crockford base32 character: " + c);
    }
}
