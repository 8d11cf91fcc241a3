package dev.scimsync.replay;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.scimsync.writer.replay.ReplayRuns;
import dev.scimsync.writer.replay.ShadowSwitch;

/**
 * What replays of a stopped instance (a crash, a kill) left behind — shadow schemas, shadow and internal topics,
 * consumer groups, unfinished runs — deleted before the next replay starts, when no replay runs.
 */
final class ReplayLeftovers {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayLeftovers.class);

    private final ReplayContext context;
    private final Admin admin;

    ReplayLeftovers(ReplayContext context, Admin admin) {
        this.context = context;
        this.admin = admin;
    }

    void deleteAll() throws Exception {
        int runs = new ReplayRuns(context.database()).failUnfinished(context.clock().instant());
        List<String> schemas = new ArrayList<>();
        try (Connection c = context.database().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT schema_name FROM information_schema.schemata "
                     + "WHERE schema_name LIKE 'scim\\_sync\\_replay\\_%'")) {
            while (rs.next()) {
                schemas.add(rs.getString(1));
            }
        }
        for (String schema : schemas) {
            new ShadowSwitch(context.database(), schema).dropShadow();
        }
        String prefix = context.liveProcessor().topics().prefix() + "replay-";
        String internal = context.liveProcessor().applicationId() + "-replay-";
        List<String> topics = context.positions().topicsStartingWith(prefix, internal);
        context.positions().deleteTopics(topics);
        List<String> groups = admin.listConsumerGroups().all().get().stream().map(g -> g.groupId())
                .filter(g -> g.startsWith(internal) || g.startsWith(context.writer().groupId() + "-replay-")).toList();
        context.positions().deleteGroups(groups);
        if (runs + schemas.size() + topics.size() + groups.size() > 0) {
            LOG.info("deleted what earlier replays left: {} unfinished runs marked failed, {} schemas, {} topics, "
                    + "{} consumer groups", runs, schemas.size(), topics.size(), groups.size());
        }
    }
}
