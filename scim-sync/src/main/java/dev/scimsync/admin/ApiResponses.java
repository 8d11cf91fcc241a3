package dev.scimsync.admin;

import java.util.Map;

/** The admin API's own response bodies (snake_case through {@link dev.scimsync.core.serde.Json}). */
public final class ApiResponses {

    private ApiResponses() {
    }

    /** Any refusal or failure: what went wrong, with ids only. */
    public record Error(String error) {
    }

    /** 400 to a request with several problems: each one, so that all can be fixed at once. */
    public record Invalid(String error, java.util.List<String> problems) {
    }

    /** 409 to a drift check while the organization's last one runs: which one to follow instead. */
    public record VerifyConflict(String error, String verifyId) {
    }

    /** {@code /health/live}: the process answers; nothing else is checked. */
    public record Liveness(String status) {
    }

    /** {@code /health/ready}: {@code ready} when every check passed at its last run. */
    public record ReadinessReport(String status, Map<String, Readiness.Check> checks) {
    }
}
