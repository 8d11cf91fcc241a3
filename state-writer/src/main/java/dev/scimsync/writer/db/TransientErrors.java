package dev.scimsync.writer.db;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Which database errors are worth retrying: lost or refused connections, serialization failures,
 * deadlocks, an administrator's or crash shutdown, too many connections. Everything else (constraint
 * violations, bad data, syntax) fails the same way again and is not retried.
 */
public final class TransientErrors {

    private static final Set<String> STATES = Set.of(
            "40001", // serialization_failure
            "40P01", // deadlock_detected
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03", // cannot_connect_now
            "53300", // too_many_connections
            "55P03"); // lock_not_available

    private TransientErrors() {
    }

    /** True when the throwable or one of its causes is a transient database error. */
    public static boolean isRetryable(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 20; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof SQLTransientException) {
                return true; // includes Hikari's connection-acquisition timeout
            }
            if (t instanceof SQLException sql) {
                // a batch failure carries the server's error as the next exception, not as the cause
                for (SQLException e = sql; e != null; e = e.getNextException() == e ? null : e.getNextException()) {
                    if (isRetryableState(e.getSQLState())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The most specific message of a database error: a batch's next exception holds the server's one. */
    public static String describe(Throwable error) {
        Throwable shown = error;
        if (error instanceof SQLException sql && sql.getNextException() != null) {
            shown = sql.getNextException();
        }
        String state = shown instanceof SQLException s && s.getSQLState() != null ? " [SQLState " + s.getSQLState() + "]" : "";
        return shown.getClass().getSimpleName() + ": " + shown.getMessage() + state;
    }

    /** Class 08 (connection exception) and the states listed above. */
    public static boolean isRetryableState(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || STATES.contains(sqlState));
    }
}
