package dev.scimsync.admin;

/** A request the admin API answers with an error status; the message is shown (ids only, no member data). */
final class ApiException extends RuntimeException {

    private final int status;
    private final Integer retryAfterSeconds;
    private final transient Object body;

    ApiException(int status, String message) {
        this(status, message, null, null);
    }

    ApiException(int status, String message, Integer retryAfterSeconds, Object body) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.body = body;
    }

    int status() {
        return status;
    }

    void respond(ApiExchange exchange) {
        if (retryAfterSeconds != null) {
            exchange.header("Retry-After", Integer.toString(retryAfterSeconds));
        }
        exchange.respond(status, body != null ? body : new ApiResponses.Error(getMessage()));
    }
}
