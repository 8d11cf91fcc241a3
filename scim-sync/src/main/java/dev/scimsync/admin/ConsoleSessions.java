package dev.scimsync.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The console's signed-in browsers, in memory: a session is created by signing in with the admin token and is
 * named by a random id held in an {@code HttpOnly}, {@code SameSite=Strict} cookie; each has its own CSRF token,
 * which every state-changing request must repeat. Sessions end when signed out, after {@link #IDLE} without a
 * request, {@link #MAX_AGE} after sign-in, or when the process stops. At most {@value #MAX_SESSIONS} are kept
 * (the oldest ends first).
 */
final class ConsoleSessions {

    static final String COOKIE = "scim_sync_session";
    static final String LOGIN_COOKIE = "scim_sync_login";
    static final Duration IDLE = Duration.ofHours(2);
    static final Duration MAX_AGE = Duration.ofHours(12);
    static final int MAX_SESSIONS = 1_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A signed-in browser: its CSRF token and when it signed in and was last seen. */
    record Session(String id, String csrfToken, Instant signedInAt, Instant lastSeen) {
    }

    private final Clock clock;
    private final Map<String, Session> sessions = new LinkedHashMap<>();

    ConsoleSessions(Clock clock) {
        this.clock = clock;
    }

    /** A new session (after the admin token was checked). */
    synchronized Session create() {
        expire();
        while (sessions.size() >= MAX_SESSIONS) {
            Iterator<String> oldest = sessions.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        Instant now = clock.instant();
        Session session = new Session(randomToken(), randomToken(), now, now);
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session named by a cookie value (null or unknown: empty); being asked counts as activity. */
    synchronized Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        expire();
        Session session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        Session seen = new Session(session.id(), session.csrfToken(), session.signedInAt(), clock.instant());
        sessions.put(id, seen);
        return Optional.of(seen);
    }

    synchronized void end(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** Constant-time comparison of a request's CSRF token with the session's. */
    static boolean csrfMatches(Session session, String given) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                session.csrfToken().getBytes(StandardCharsets.UTF_8));
    }

    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void expire() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> s.lastSeen().plus(IDLE).isBefore(now) || s.signedInAt().plus(MAX_AGE).isBefore(now));
    }
}
