package dev.scimsync.admin;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** What the admin API reports about organizations and readiness; backed by the organization database. */
public interface StatusSource {

    /** Every organization the database knows, each as a JSON-able map with at least {@code id} and {@code name}. */
    List<Map<String, Object>> organizations();

    /** One organization's sync status, with at least {@code members}, {@code groups}, {@code memberships}. */
    Optional<Map<String, Object>> status(String organizationId);

    /**
     * Named readiness checks (e.g. kafka, database): true when the dependency answers. They may block; the
     * admin server runs them in the background ({@link Readiness}) and never on a request.
     */
    Map<String, BooleanSupplier> readinessChecks();
}
