package dev.scimsync.writer.apply;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * What one committed batch did.
 *
 * @param records         records in the batch, including ignored and dead-lettered ones
 * @param applied         changes that changed a row
 * @param unchanged       changes a version guard found stale or already applied
 * @param deadLettered    records sent to the DLQ
 * @param ownerProtected  removals of a Primary Owner that were skipped
 * @param nextOffsets     the offsets stored with the batch
 * @param transaction     begin-to-commit duration of the transaction that committed
 * @param recordByRecord  true when the batch had to be retried record by record
 */
public record BatchResult(int records, int applied, int unchanged, int deadLettered, int ownerProtected,
                          Map<TopicPartition, Long> nextOffsets, Duration transaction, boolean recordByRecord) {
}
