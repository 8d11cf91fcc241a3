package dev.scimsync.processor;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import dev.scimsync.core.event.EventEnvelope;

/** Passes on only the records of one organization (the events topic is keyed by organization id). */
final class OrganizationFilter implements Processor<String, EventEnvelope, String, EventEnvelope> {

    private final String organizationId;
    private ProcessorContext<String, EventEnvelope> context;

    OrganizationFilter(String organizationId) {
        this.organizationId = organizationId;
    }

    @Override
    public void init(ProcessorContext<String, EventEnvelope> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, EventEnvelope> record) {
        if (organizationId.equals(record.key())) {
            context.forward(record);
        }
    }
}
