package dev.scimsync.replay;

import java.time.Clock;

import javax.sql.DataSource;

import dev.scimsync.processor.ProcessorConfig;
import dev.scimsync.processor.StreamProcessor;
import dev.scimsync.writer.WriterConfig;
import dev.scimsync.writer.replay.ShadowSwitch;

/**
 * What a replay needs of the running instance: the live processor (its configuration for the rules, the processor
 * itself to hold it for the switch), the writer's configuration (the database to write the shadow to) and the live
 * database, and the removal limits that apply where an organization sets none.
 */
record ReplayContext(ProcessorConfig liveProcessor, StreamProcessor live, WriterConfig writer, DataSource database,
                     TopicPositions positions, ShadowSwitch.RemovalLimits removalLimits, ReplayMetrics metrics,
                     Clock clock) {
}
