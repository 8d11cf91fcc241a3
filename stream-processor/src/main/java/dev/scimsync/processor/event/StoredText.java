package dev.scimsync.processor.event;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Text the organization database cannot store: PostgreSQL refuses the NUL character in {@code text} and
 * {@code jsonb}, and an unpaired UTF-16 surrogate cannot be encoded as UTF-8 at all. An event holding either,
 * anywhere in its data (names and values), is refused with the field named: stored with the character dropped it
 * would differ from the directory without anyone knowing, and refused by the writer it would stop a whole batch.
 */
final class StoredText {

    private StoredText() {
    }

    /** Throws {@code invalid}'s exception naming the first field (a JSON path) whose text cannot be stored. */
    static void check(JsonNode data, Function<String, InvalidEventException> invalid) {
        if (data == null) {
            return;
        }
        // iterative: WorkOS is untrusted, a deeply nested payload must not overflow the stack
        Deque<Map.Entry<String, JsonNode>> pending = new ArrayDeque<>();
        pending.push(Map.entry("data", data));
        while (!pending.isEmpty()) {
            Map.Entry<String, JsonNode> entry = pending.pop();
            String path = entry.getKey();
            JsonNode node = entry.getValue();
            if (node.isTextual()) {
                String problem = problemOf(node.asText());
                if (problem != null) {
                    throw invalid.apply("field " + path + " holds " + problem + ", which the database cannot store");
                }
            } else if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    String problem = problemOf(field.getKey());
                    if (problem != null) {
                        throw invalid.apply("a field name in " + path + " holds " + problem
                                + ", which the database cannot store");
                    }
                    pending.push(Map.entry(path + "." + field.getKey(), field.getValue()));
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    pending.push(Map.entry(path + "[" + i + "]", node.get(i)));
                }
            }
        }
    }

    /** What in {@code text} cannot be stored, or null. */
    static String problemOf(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return "a NUL character (U+0000)";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "an unpaired UTF-16 surrogate";
            }
            if (Character.isLowSurrogate(c)) {
                return "an unpaired UTF-16 surrogate";
            }
        }
        return null;
    }
}
