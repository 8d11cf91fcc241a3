package dev.scimsync.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.scimsync.core.log.Redact;

/**
 * Reads {@link Setting}s from the environment and, when {@code SCIM_SYNC_CONFIG_FILE} names one, a
 * properties file (keys are the same names; the environment wins). Problems are collected, not thrown one
 * by one: call {@link #throwIfInvalid()} once every setting was read, so that a user sees all of them.
 */
public final class ConfigReader {

    public static final String CONFIG_FILE = "SCIM_SYNC_CONFIG_FILE";

    private final Map<String, String> values;
    private final Map<String, String> origins = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    private ConfigReader(Map<String, String> values, Map<String, String> origins) {
        this.values = values;
        this.origins.putAll(origins);
    }

    /** The process environment plus the optional file. */
    public static ConfigReader fromEnvironment() {
        return from(System.getenv());
    }

    public static ConfigReader from(Map<String, String> env) {
        Map<String, String> values = new HashMap<>();
        Map<String, String> origins = new HashMap<>();
        List<String> fileProblems = new ArrayList<>();
        String file = env.get(CONFIG_FILE);
        if (file != null && !file.isBlank()) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(Path.of(file))) {
                properties.load(reader);
                for (String name : properties.stringPropertyNames()) {
                    values.put(name, properties.getProperty(name));
                    origins.put(name, file);
                }
            } catch (IOException e) {
                fileProblems.add(CONFIG_FILE + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        env.forEach((name, value) -> {
            values.put(name, value);
            origins.put(name, "environment");
        });
        ConfigReader reader = new ConfigReader(values, origins);
        reader.problems.addAll(fileProblems);
        return reader;
    }

    /** Adds or overrides a value, e.g. from a command-line option. */
    public ConfigReader with(String name, String value, String origin) {
        if (value != null) {
            values.put(name, value);
            origins.put(name, origin);
        }
        return this;
    }

    /**
     * The typed value: the configured one, else the default; null when neither exists (a problem is
     * recorded if the setting is required) or when the value is invalid (a problem is recorded).
     */
    public <T> T get(Setting<T> setting) {
        String raw = values.get(setting.name());
        if (raw != null && raw.isBlank()) {
            raw = null;
        }
        if (raw == null) {
            raw = setting.defaultValue();
        }
        if (raw == null) {
            if (setting.required()) {
                addProblem(setting.name() + ": required but not set (" + setting.description() + ")");
            }
            return null;
        }
        try {
            return setting.parser().apply(raw);
        } catch (IllegalArgumentException e) {
            // never echo a secret's value back
            String message = setting.secret() ? "invalid value" : e.getMessage();
            addProblem(setting.name() + ": " + message);
            return null;
        }
    }

    /** True when the setting was given explicitly (not just defaulted). */
    public boolean isSet(Setting<?> setting) {
        String raw = values.get(setting.name());
        return raw != null && !raw.isBlank();
    }

    /** Records a cross-setting problem. */
    public void check(boolean ok, String settingName, String message) {
        if (!ok) {
            addProblem(settingName + ": " + message);
        }
    }

    /** Several modules read the same common setting (e.g. the topic prefix): its problem is listed once. */
    private void addProblem(String problem) {
        if (!problems.contains(problem)) {
            problems.add(problem);
        }
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    public void throwIfInvalid() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** The effective configuration, one line per setting, secrets masked, with where each value came from. */
    public String describe(Collection<Setting<?>> settings) {
        StringBuilder out = new StringBuilder();
        for (Setting<?> setting : settings) {
            String raw = values.get(setting.name());
            boolean given = raw != null && !raw.isBlank();
            String shown = setting.secret() ? Redact.secret(given ? raw : null)
                    : given ? Redact.url(raw) : setting.defaultValue() == null ? "(not set)" : setting.defaultValue();
            out.append(setting.name()).append('=').append(shown)
                    .append(given ? "  [" + origins.get(setting.name()) + "]" : "  [default]")
                    .append('\n');
        }
        return out.toString();
    }
}
