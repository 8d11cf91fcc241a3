package dev.scimsync.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.scimsync.core.log.Redact;

/**
 * One configuration setting, declared once with its name (the environment variable), default,
 * description and parser. Secrets are never printed.
 *
 * @param name         environment variable name, also the key in the properties file
 * @param description  one line for the README table and {@code --help}
 * @param defaultValue raw default, or null when the setting has none (then {@link ConfigReader#get}
 *                     returns null unless {@code required})
 * @param parser       turns the raw text into the typed value; throws IllegalArgumentException with a
 *                     message that says what is expected
 * @param secret       masked whenever the configuration is printed
 * @param required     a missing value is a configuration problem
 */
public record Setting<T>(String name, String description, String defaultValue, Function<String, T> parser,
                         boolean secret, boolean required) {

    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(parser, "parser");
    }

    public static Setting<String> string(String name, String defaultValue, String description) {
        return new Setting<>(name, description, defaultValue, s -> s, false, false);
    }

    public static Setting<String> secret(String name, String description) {
        return new Setting<>(name, description, null, s -> s, true, false);
    }

    public static Setting<Integer> integer(String name, int defaultValue, int min, int max, String description) {
        return new Setting<>(name, description, Integer.toString(defaultValue), s -> {
            int value;
            try {
                value = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a whole number, got '" + s + "'");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("expected a number from " + min + " to " + max + ", got " + value);
            }
            return value;
        }, false, false);
    }

    public static Setting<Duration> duration(String name, String defaultValue, String description) {
        return new Setting<>(name, description, defaultValue, s -> {
            Duration d;
            try {
                d = Duration.parse(s.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("expected an ISO-8601 duration such as PT1S or PT0.5S, got '"
                        + s + "'");
            }
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("expected a positive duration, got " + s);
            }
            return d;
        }, false, false);
    }

    public static Setting<Boolean> bool(String name, boolean defaultValue, String description) {
        return new Setting<>(name, description, Boolean.toString(defaultValue), s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException("expected true or false, got '" + s + "'");
        }, false, false);
    }

    public static Setting<Path> path(String name, String defaultValue, String description) {
        return new Setting<>(name, description, defaultValue, Path::of, false, false);
    }

    public static Setting<URI> httpUrl(String name, String defaultValue, String description) {
        return new Setting<>(name, description, defaultValue, s -> {
            URI uri;
            try {
                uri = URI.create(s.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expected a URL, got '" + s + "'");
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("expected an http(s) URL with a host, got '" + s + "'");
            }
            return uri;
        }, false, false);
    }

    /**
     * Text that must match {@code pattern} as a whole; {@code expected} says what is allowed, in words (the
     * problem reads "expected {@code expected}, got '…'").
     */
    public static Setting<String> matching(String name, String defaultValue, Pattern pattern, String expected,
                                           String description) {
        return new Setting<>(name, description, defaultValue, s -> {
            String value = s.trim();
            if (!pattern.matcher(value).matches()) {
                throw new IllegalArgumentException("expected " + expected + ", got '" + s + "'");
            }
            return value;
        }, false, false);
    }

    /**
     * A comma-separated list of {@code host:port} (Kafka's bootstrap servers), checked when read rather than when
     * the first client fails on it.
     */
    public static Setting<String> hostPorts(String name, String defaultValue, String description) {
        return new Setting<>(name, description, defaultValue, s -> {
            for (String server : s.split(",", -1)) {
                String trimmed = server.trim();
                int colon = trimmed.lastIndexOf(':');
                if (colon <= 0 || trimmed.contains(" ") || trimmed.contains("/")
                        || !validPort(trimmed.substring(colon + 1))) {
                    throw new IllegalArgumentException("expected host:port[,host:port…] such as kafka-1:9092, got '"
                            + s + "'");
                }
            }
            return s.trim();
        }, false, false);
    }

    private static boolean validPort(String text) {
        try {
            int port = Integer.parseInt(text);
            return port >= 1 && port <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A PostgreSQL JDBC URL ({@code jdbc:postgresql://host[:port]/database[?…]}); any password in it is never echoed. */
    public static Setting<String> postgresUrl(String name, String description) {
        return new Setting<>(name, description, null, s -> {
            String value = s.trim();
            if (!value.startsWith("jdbc:postgresql://") || value.length() == "jdbc:postgresql://".length()) {
                throw new IllegalArgumentException("expected a PostgreSQL JDBC URL such as "
                        + "jdbc:postgresql://db:5432/app, got '" + Redact.url(s) + "'");
            }
            return value;
        }, false, false);
    }

    public static <E extends Enum<E>> Setting<E> oneOf(String name, Class<E> type, E defaultValue, String description) {
        return new Setting<>(name, description, defaultValue.name().toLowerCase(Locale.ROOT), s -> {
            try {
                return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                StringBuilder allowed = new StringBuilder();
                for (E constant : type.getEnumConstants()) {
                    allowed.append(allowed.length() == 0 ? "" : ", ").append(constant.name().toLowerCase(Locale.ROOT));
                }
                throw new IllegalArgumentException("expected one of " + allowed + ", got '" + s + "'");
            }
        }, false, false);
    }

    /** The same setting, but a missing value is a problem. */
    public Setting<T> asRequired() {
        return new Setting<>(name, description, defaultValue, parser, secret, true);
    }

    /** The same setting with another default. */
    public Setting<T> withDefault(String newDefault) {
        return new Setting<>(name, description, newDefault, parser, secret, required);
    }
}
