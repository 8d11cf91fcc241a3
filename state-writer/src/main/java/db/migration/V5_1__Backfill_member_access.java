package db.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import dev.scimsync.writer.access.AccessRecompute;

/**
 * Gives members stored before V5 their access (the organizations' defaults then: no mappings exist yet), with an
 * audit row each (cause {@code backfill}), so that every member has a member_access row from V5 on.
 */
public class V5_1__Backfill_member_access extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        AccessRecompute.backfill(context.getConnection());
    }
}
