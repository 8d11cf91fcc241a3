package dev.scimsync.emulator.persist;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.model.ModelMutation;

/** The JSON readers and writers of the persist files (camelCase records, like the first format). */
final class Persisted {

    /** Never flushes by itself: the journal hands a whole group of changes to the OS in one write. */
    static final ObjectWriter WRITER = Json.MAPPER.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
    static final ObjectWriter MUTATION_WRITER = WRITER.forType(ModelMutation.class);
    static final ObjectReader MUTATION_READER = Json.MAPPER.readerFor(ModelMutation.class);

    private Persisted() {
    }
}
