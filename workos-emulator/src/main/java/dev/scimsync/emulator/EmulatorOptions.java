package dev.scimsync.emulator;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to start a {@link WorkosEmulator}. Start from {@link #defaults()} and use the withers.
 *
 * @param host              interface to bind; 127.0.0.1 by default (the admin API has no auth)
 * @param port              0 picks a free port
 * @param apiKey            the bearer key the WorkOS API expects
 * @param rateLimits        enforce WorkOS's documented rate limits (switchable later via faults)
 * @param deactivateDeletes SCIM {@code active:false} deletes the user with {@code dsync.user.deleted},
 *                          as WorkOS does by default; false keeps it with state {@code inactive}
 * @param persistFile       nullable; when set, the state is restored from this snapshot and its
 *                          journals at start, and every change is journaled before it is
 *                          acknowledged (see {@code dev.scimsync.emulator.persist.Persistence})
 */
public record EmulatorOptions(String host, int port, String apiKey, boolean rateLimits, boolean deactivateDeletes,
                              Path persistFile) {

    public static final String DEFAULT_API_KEY = "sk_test_emulator";

    public EmulatorOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(apiKey, "apiKey");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535");
        }
        if (apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey must not be blank");
        }
    }

    public static EmulatorOptions defaults() {
        return new EmulatorOptions("127.0.0.1", 0, DEFAULT_API_KEY, true, true, null);
    }

    public EmulatorOptions withHost(String value) {
        return new EmulatorOptions(value, port, apiKey, rateLimits, deactivateDeletes, persistFile);
    }

    public EmulatorOptions withPort(int value) {
        return new EmulatorOptions(host, value, apiKey, rateLimits, deactivateDeletes, persistFile);
    }

    public EmulatorOptions withApiKey(String value) {
        return new EmulatorOptions(host, port, value, rateLimits, deactivateDeletes, persistFile);
    }

    public EmulatorOptions withRateLimits(boolean value) {
        return new EmulatorOptions(host, port, apiKey, value, deactivateDeletes, persistFile);
    }

    public EmulatorOptions withDeactivateDeletes(boolean value) {
        return new EmulatorOptions(host, port, apiKey, rateLimits, value, persistFile);
    }

    public EmulatorOptions withPersistFile(Path value) {
        return new EmulatorOptions(host, port, apiKey, rateLimits, deactivateDeletes, value);
    }

    /** For logs: the API key masked. */
    @Override
    public String toString() {
        return "EmulatorOptions[host=" + host + ", port=" + port + ", apiKey=" + mask(apiKey) + ", rateLimits="
                + rateLimits + ", deactivateDeletes=" + deactivateDeletes + ", persistFile=" + persistFile + "]";
    }

    static String mask(String secret) {
        return secret.length() <= 8 ? "****" : secret.substring(0, 8) + "****";
    }
}
