package dev.scimsync.emulator.http.outbound;

import dev.scimsync.emulator.http.Exchange;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Bearer API key check, as WorkOS does on every API call. */
final class ApiKeyAuth {

    private final byte[] expected;

    ApiKeyAuth(String apiKey) {
        this.expected = ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
    }

    void check(Exchange exchange) {
        String header = exchange.header("Authorization");
        if (header == null || !MessageDigest.isEqual(expected, header.trim().getBytes(StandardCharsets.UTF_8))) {
            throw WorkosErrors.unauthorized();
        }
    }
}
