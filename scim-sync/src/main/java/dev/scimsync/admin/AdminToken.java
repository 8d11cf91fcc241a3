package dev.scimsync.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The admin API's bearer token: the configured {@code SCIM_SYNC_ADMIN_TOKEN}, or in zero-setup mode one
 * generated once and kept in {@code <data dir>/admin-token} (owner-only), which the client commands read.
 */
public final class AdminToken {

    public static final String FILE_NAME = "admin-token";

    private final String value;

    private AdminToken(String value) {
        this.value = value;
    }

    public static AdminToken of(String value) {
        return new AdminToken(value);
    }

    /** The configured token, else the one stored under {@code dataDir}, else a new one stored there. */
    public static AdminToken resolve(String configured, Path dataDir) {
        if (configured != null && !configured.isBlank()) {
            return new AdminToken(configured);
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                return new AdminToken(Files.readString(file, StandardCharsets.UTF_8).trim());
            }
            Files.createDirectories(dataDir);
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String token = "sst_" + HexFormat.of().formatHex(random);
            try {
                // owner-only from the first byte, not tightened afterwards
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file); // not a POSIX file system: the data directory's own permissions protect it
            }
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            return new AdminToken(token);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the admin token in " + file
                    + "; set SCIM_SYNC_ADMIN_TOKEN instead", e);
        }
    }

    /** Reads the token a running zero-setup instance stored; null when there is none. */
    public static String readStored(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Constant-time check of an {@code Authorization} header value. */
    public boolean accepts(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.startsWith("Bearer ")) {
            return false;
        }
        byte[] given = authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The secret itself: only for printing once at start in zero-setup mode, and for clients. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "AdminToken[******]";
    }
}
