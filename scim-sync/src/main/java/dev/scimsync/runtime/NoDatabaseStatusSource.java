package dev.scimsync.runtime;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import dev.scimsync.admin.StatusSource;

/** For a stage without the organization database (poller or processor alone): readiness only. */
final class NoDatabaseStatusSource implements StatusSource {

    private final Map<String, BooleanSupplier> checks;

    NoDatabaseStatusSource(Map<String, BooleanSupplier> checks) {
        this.checks = checks;
    }

    @Override
    public List<Map<String, Object>> organizations() {
        throw new UnsupportedOperationException("this stage has no organization database: ask the writer or run instance");
    }

    @Override
    public Optional<Map<String, Object>> status(String organizationId) {
        throw new UnsupportedOperationException("this stage has no organization database: ask the writer or run instance");
    }

    @Override
    public Map<String, BooleanSupplier> readinessChecks() {
        return Collections.unmodifiableMap(checks);
    }
}
