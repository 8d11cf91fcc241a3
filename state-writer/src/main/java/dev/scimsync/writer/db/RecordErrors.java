package dev.scimsync.writer.db;

import java.sql.SQLException;

/**
 * Which database errors one record's data can cause, so that writing the records one by one isolates the
 * bad ones: data exceptions (SQLState class 22: a value too long, a NUL byte, a bad timestamp), integrity
 * violations (23: a check, a unique or foreign key) and program limits (54: a value or row too large).
 * Everything else (a statement timeout, a revoked grant, a renamed column or table, a full disk) would fail
 * every record alike: writing the batch record by record and dead-lettering each one would skip the whole
 * stream, so those errors fail the batch instead.
 */
public final class RecordErrors {

    private RecordErrors() {
    }

    /** True when the throwable or one of its causes is a database error of class 22, 23 or 54. */
    public static boolean isRecordError(Throwable error) {
        SQLException sql = serverError(error);
        return sql != null && isRecordErrorState(sql.getSQLState());
    }

    /** True when the throwable or one of its causes is a database error (any SQLState, or none). */
    public static boolean isDatabaseError(Throwable error) {
        return serverError(error) != null;
    }

    public static boolean isRecordErrorState(String sqlState) {
        return sqlState != null && (sqlState.startsWith("22") || sqlState.startsWith("23") || sqlState.startsWith("54"));
    }

    /** The most specific database error in the chain: a batch failure carries the server's as the next exception. */
    static SQLException serverError(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 20; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof SQLException sql) {
                SQLException last = sql;
                for (SQLException e = sql; e != null; e = e.getNextException() == e ? null : e.getNextException()) {
                    if (e.getSQLState() != null) {
                        last = e;
                    }
                }
                return last;
            }
        }
        return null;
    }
}
