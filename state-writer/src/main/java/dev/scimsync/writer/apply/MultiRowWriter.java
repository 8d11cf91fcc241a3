package dev.scimsync.writer.apply;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.scimsync.core.model.Group;
import dev.scimsync.core.model.Member;
import dev.scimsync.core.model.Membership;
import dev.scimsync.writer.db.PostgresDialect;

/**
 * Applies the member, group and membership changes of a batch with one multi-row statement per table, kind
 * (upsert or removal) and round, instead of one statement per change.
 *
 * <p>Round r holds the r-th change of each key, in arrival order. So no statement touches a row twice (which
 * {@code ON CONFLICT} forbids), and every key sees all of its changes, in arrival order, through the same
 * version-guarded SQL as one statement per change would. Keys never affect each other (a membership's side
 * table is keyed like the membership), so the order between keys, and between the upsert and the removal
 * statement of one round, does not matter: the result equals the one-statement-per-change result, whatever
 * the batch boundaries. Changes are not collapsed to the newest per key: {@code created_at} comes from the
 * first change that inserted a row and {@code removed_at} from the first of consecutive removals, so
 * dropping the older changes would not be equivalent.
 */
final class MultiRowWriter {

    /** A change and its position in the batch. */
    record Pending(int index, StateChange change) {
    }

    /** Array element types, in the order of the dialect's parameters. */
    private static final String[] MEMBER_TYPES = {"text", "text", "text", "text", "text", "text", "text", "text",
            "text", "text", "timestamptz", "text"};
    private static final String[] GROUP_TYPES = {"text", "text", "text", "text", "text", "timestamptz", "text"};
    private static final String[] MEMBERSHIP_TYPES = {"text", "text", "text", "text", "timestamptz", "text"};

    private final PostgresDialect dialect;

    MultiRowWriter(PostgresDialect dialect) {
        this.dialect = dialect;
    }

    /** Whether {@link #apply} handles this kind of change (statuses go through {@link LaneBatcher}). */
    static boolean handles(StateChange change) {
        Object value = change.value();
        return value instanceof Member || value instanceof Group || value instanceof Membership;
    }

    /**
     * Writes the changes; {@code applied[index]} becomes true for each change that wrote its row, and each
     * row written adds its change of the present rows to {@code counts}.
     */
    void apply(Connection connection, List<Pending> changes, boolean[] applied, CountChanges counts) throws SQLException {
        apply(connection, changes, applied, new boolean[applied.length], counts);
    }

    /**
     * As {@link #apply(Connection, List, boolean[], CountChanges)}, and marks in {@code presenceChanged} the changes
     * that made their row present or removed (a present_delta other than 0).
     */
    void apply(Connection connection, List<Pending> changes, boolean[] applied, boolean[] presenceChanged,
               CountChanges counts) throws SQLException {
        List<Map<String, List<Pending>>> rounds = new ArrayList<>();
        Map<List<String>, Integer> seen = new HashMap<>();
        for (Pending pending : changes) {
            int round = seen.merge(key(pending.change()), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new LinkedHashMap<>());
            }
            rounds.get(round).computeIfAbsent(sqlFor(pending.change()), k -> new ArrayList<>()).add(pending);
        }
        for (Map<String, List<Pending>> round : rounds) {
            for (Map.Entry<String, List<Pending>> statement : round.entrySet()) {
                execute(connection, statement.getKey(), statement.getValue(), applied, presenceChanged, counts);
            }
        }
    }

    private void execute(Connection connection, String sql, List<Pending> rows, boolean[] applied,
                         boolean[] presenceChanged, CountChanges counts) throws SQLException {
        Map<List<String>, Integer> byKey = new HashMap<>(rows.size() * 2);
        List<String[]> values = new ArrayList<>(rows.size());
        for (Pending row : rows) {
            byKey.put(key(row.change()), row.index());
            values.add(columns(row.change().value()));
        }
        String[] types = types(rows.get(0).change().value());
        List<Array> arrays = new ArrayList<>(types.length);
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int c = 0; c < types.length; c++) {
                String[] column = new String[values.size()];
                for (int r = 0; r < column.length; r++) {
                    column[r] = values.get(r)[c];
                }
                Array array = connection.createArrayOf(types[c], column);
                arrays.add(array);
                ps.setArray(c + 1, array);
            }
            String table = rows.get(0).change().table();
            try (ResultSet rs = ps.executeQuery()) {
                int keyColumns = rs.getMetaData().getColumnCount() - 1; // then present_delta
                while (rs.next()) {
                    List<String> key = new ArrayList<>(keyColumns + 1);
                    key.add(table);
                    for (int k = 1; k <= keyColumns; k++) {
                        key.add(rs.getString(k));
                    }
                    Integer index = byKey.get(key);
                    int delta = rs.getInt(keyColumns + 1);
                    if (index != null) {
                        applied[index] = true;
                        presenceChanged[index] = delta != 0;
                    }
                    counts.add(table, rs.getString(1), delta);
                }
            }
        } finally {
            for (Array array : arrays) {
                array.free();
            }
        }
    }

    private String sqlFor(StateChange change) {
        Object value = change.value();
        if (value instanceof Member m) {
            return m.removed() ? dialect.removeMembers() : dialect.upsertMembers();
        } else if (value instanceof Group g) {
            return g.removed() ? dialect.removeGroups() : dialect.upsertGroups();
        }
        return ((Membership) value).removed() ? dialect.removeMemberships() : dialect.addMemberships();
    }

    /** The table and the row's key, as the statements return it. */
    private static List<String> key(StateChange change) {
        Object value = change.value();
        if (value instanceof Member m) {
            return List.of(change.table(), m.organizationId(), m.directoryUserId());
        } else if (value instanceof Group g) {
            return List.of(change.table(), g.organizationId(), g.directoryGroupId());
        }
        Membership ms = (Membership) value;
        return List.of(change.table(), ms.organizationId(), ms.directoryGroupId(), ms.directoryUserId());
    }

    private static String[] types(Object value) {
        return value instanceof Member ? MEMBER_TYPES : value instanceof Group ? GROUP_TYPES : MEMBERSHIP_TYPES;
    }

    /** One row's array elements, in the order of the dialect's parameters. */
    private static String[] columns(Object value) {
        if (value instanceof Member m) {
            return new String[] {m.organizationId(), m.directoryUserId(), m.directoryId(), m.idpId(), m.email(),
                    m.firstName(), m.lastName(), m.state(), ChangeStatements.json(m.roles()),
                    ChangeStatements.json(m.customAttributes()), ChangeStatements.timeText(m.version().at()),
                    m.version().eventId()};
        } else if (value instanceof Group g) {
            return new String[] {g.organizationId(), g.directoryGroupId(), g.directoryId(), g.idpId(), g.name(),
                    ChangeStatements.timeText(g.version().at()), g.version().eventId()};
        }
        Membership ms = (Membership) value;
        return new String[] {ms.organizationId(), ms.directoryGroupId(), ms.directoryUserId(), ms.directoryId(),
                ChangeStatements.timeText(ms.version().at()), ms.version().eventId()};
    }
}
