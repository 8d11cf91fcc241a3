package dev.scimsync.writer.db;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Set;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import dev.scimsync.core.log.Redact;

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

    /**
     * The most specific database error, without the data: PgJDBC's batch errors quote the statement with its
     * parameters (emails, names) and PostgreSQL's details quote the offending values, so only the exception's
     * class, the SQLState, the server's primary message with quoted values masked, and the table, column and
     * constraint names are shown. Safe for logs, errors and dead-letter headers.
     */
    public static String describe(Throwable error) {
        if (error == null) {
            return "null";
        }
        Throwable shown = RecordErrors.serverError(error);
        if (shown == null) {
            shown = error;
        }
        StringBuilder text = new StringBuilder(shown.getClass().getSimpleName());
        ServerErrorMessage server = shown instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        if (server != null) {
            text.append(": ").append(maskQuoted(server.getMessage()));
            appendName(text, "table", server.getTable());
            appendName(text, "column", server.getColumn());
            appendName(text, "constraint", server.getConstraint());
        } else if (shown instanceof SQLException) {
            text.append(": ").append(maskQuoted(firstLine(shown.getMessage())));
        } else {
            text.append(": ").append(Redact.emailsIn(String.valueOf(shown.getMessage())));
        }
        if (shown instanceof SQLException sql && sql.getSQLState() != null) {
            text.append(" [SQLState ").append(sql.getSQLState()).append(']');
        }
        return text.toString();
    }

    /** {@code "…"} and {@code '…'} spans hold values in PostgreSQL's and PgJDBC's messages: masked. */
    static String maskQuoted(String message) {
        if (message == null) {
            return "";
        }
        return Redact.emailsIn(message.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"")
                .replaceAll("\\((.*)\\)=\\((.*)\\)", "($1)=(…)"));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static void appendName(StringBuilder text, String what, String name) {
        if (name != null) {
            text.append(", ").append(what).append(' ').append(name);
        }
    }

    /** Class 08 (connection exception) and the states listed above. */
    public static boolean isRetryableState(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || STATES.contains(sqlState));
    }
}
