package dev.scimsync.emulator;

/** A non-2xx answer from the emulator, with the request and the response body. */
public final class EmulatorClientException extends RuntimeException {

    private final int status;
    private final String body;

    public EmulatorClientException(String request, int status, String body) {
        super(request + " answered " + status + ": " + body);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String body() {
        return body;
    }
}
