package dev.scimsync.writer.apply;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * One statement a change needs. Operations of one lane keep their order (so two versions of one entity in a
 * batch are applied oldest first, as they arrived); lanes are independent of each other.
 *
 * @param lane      usually the table name
 * @param operation {@code upsert} or {@code remove}, the metrics tag
 * @param sql       from {@link dev.scimsync.writer.db.PostgresDialect}
 * @param binder    sets the statement's parameters
 */
public record Operation(String lane, String operation, String sql, Binder binder) {

    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }
}
