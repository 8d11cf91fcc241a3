package dev.scimsync.deploy;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.yaml.snakeyaml.Yaml;

import dev.scimsync.core.config.CommonSettings;
import dev.scimsync.core.config.Setting;
import dev.scimsync.poller.PollerSettings;
import dev.scimsync.processor.ProcessorSettings;
import dev.scimsync.resync.ResyncSettings;
import dev.scimsync.verify.VerifySettings;
import dev.scimsync.writer.WriterSettings;

/** The repository's deployment files and the settings they may use, read as a user's tools read them. */
final class DeploymentFiles {

    private static final Pattern VARIABLE = Pattern.compile("`((?:SCIM_SYNC|WORKOS)_[A-Z0-9_]+)`");

    private DeploymentFiles() {
    }

    /** The repository's root: tests run in the module's directory. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** A YAML file as maps and lists, with anchors and merge keys ({@code <<}) resolved as Compose does. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String relativePath) throws IOException {
        try (Reader reader = Files.newBufferedReader(root().resolve(relativePath))) {
            return (Map<String, Object>) new Yaml().load(reader);
        }
    }

    /**
     * Variables the documentation explains to users: those in README.md's "Configuration" section and in docs/*.md,
     * written as {@code `NAME`}.
     */
    static Set<String> documentedVariables() throws IOException {
        Set<String> names = new TreeSet<>();
        String readme = Files.readString(root().resolve("README.md"));
        int configuration = readme.indexOf("\n## Configuration");
        int next = readme.indexOf("\n## ", configuration + 1);
        addVariables(readme.substring(configuration, next < 0 ? readme.length() : next), names);
        try (Stream<Path> docs = Files.list(root().resolve("docs"))) {
            for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).toList()) {
                addVariables(Files.readString(doc), names);
            }
        }
        return names;
    }

    /** Variables the code reads as typed settings: every {@link Setting} constant of the modules' settings. */
    static Set<String> declaredVariables() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Class<?> holder : List.of(CommonSettings.class, PollerSettings.class, ProcessorSettings.class,
                WriterSettings.class, ResyncSettings.class, VerifySettings.class)) {
            for (Field field : holder.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == Setting.class) {
                    field.setAccessible(true);
                    names.add(((Setting<?>) field.get(null)).name());
                }
            }
        }
        return names;
    }

    private static void addVariables(String text, Set<String> names) {
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
    }

    /** The Dockerfile's instructions of its last stage (the image), continuation lines joined. */
    static List<Instruction> finalStage() throws IOException {
        List<Instruction> all = instructions();
        int last = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).keyword().equals("FROM")) {
                last = i;
            }
        }
        return all.subList(last, all.size());
    }

    static List<Instruction> instructions() throws IOException {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(root().resolve("Dockerfile"))) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String text = current.toString();
            int space = text.indexOf(' ');
            instructions.add(new Instruction(text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
            current.setLength(0);
        }
        return instructions;
    }

    record Instruction(String keyword, String arguments) {
    }
}
