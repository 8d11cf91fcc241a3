package dev.scimsync.processor;

/**
 * What the processor does with a record it cannot deserialize or an invalid event (one the parser rejects before
 * any store is written). Any other processing or production error always stops the processor: skipping it could
 * leave a partial change behind.
 */
public enum BadRecordPolicy {
    /** Write the original record with its reason to the DLQ topic, then go on with the next record. */
    DLQ,
    /** Stop the processor; the record is processed again after a restart. */
    FAIL
}
