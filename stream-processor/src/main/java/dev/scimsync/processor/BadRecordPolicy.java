package dev.scimsync.processor;

/** What the processor does with a record it cannot deserialize, apply or produce. */
public enum BadRecordPolicy {
    /** Write the original record with its reason to the DLQ topic, then go on with the next record. */
    DLQ,
    /** Stop the processor; the record is processed again after a restart. */
    FAIL
}
