package dev.scimsync.processor.event;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Data the organization database should not take from an untrusted upstream. Text it cannot store: PostgreSQL
 * refuses the NUL character in {@code text} and {@code jsonb}, and an unpaired UTF-16 surrogate cannot be encoded as
 * UTF-8 at all. An event holding either, anywhere in its data as the processor reads it (names and values; the
 * entities' {@code raw_attributes}, which nothing stores, are not read: {@link EnvelopeReader}), is refused with the
 * field named:
 * stored with the character dropped it would differ from the directory without anyone knowing, and refused by the
 * writer it would fail its batch. And shapes no directory has: data nested deeper than {@link #MAX_DEPTH} levels or
 * holding more than {@link #MAX_VALUES} values (a directory user with its custom attributes has a few dozen).
 */
final class StoredText {

    static final int MAX_DEPTH = 32;
    static final int MAX_VALUES = 5_000;
    /** Field paths in reasons are cut here: field names come from WorkOS too. */
    private static final int MAX_PATH = 200;

    private StoredText() {
    }

    /**
     * A value still to check. Its path (for the reason only) is built when a value fails: building it for every value
     * cost more than the check.
     */
    private record Pending(Pending parent, String field, int index, JsonNode node, int depth) {

        String path() {
            Deque<Pending> chain = new ArrayDeque<>();
            for (Pending p = this; p != null; p = p.parent()) {
                chain.push(p);
            }
            StringBuilder path = new StringBuilder("data");
            for (Pending p : chain) {
                if (p.parent() == null) {
                    continue;
                }
                if (p.field() != null) {
                    path.append('.').append(p.field());
                } else {
                    path.append('[').append(p.index()).append(']');
                }
                if (path.length() > MAX_PATH) {
                    break;
                }
            }
            return path.toString();
        }
    }

    /** Throws {@code invalid}'s exception naming the first field (a JSON path) that cannot be stored. */
    static void check(JsonNode data, Function<String, InvalidEventException> invalid) {
        if (data == null) {
            return;
        }
        // iterative: a deeply nested payload must not overflow the stack
        Deque<Pending> pending = new ArrayDeque<>();
        pending.push(new Pending(null, null, -1, data, 0));
        int values = 0;
        while (!pending.isEmpty()) {
            Pending next = pending.pop();
            JsonNode node = next.node();
            if (++values > MAX_VALUES) {
                throw invalid.apply("the data holds more than " + MAX_VALUES + " values");
            }
            if (node.isContainerNode() && next.depth() >= MAX_DEPTH) {
                throw invalid.apply("field " + cut(next.path()) + " is nested deeper than " + MAX_DEPTH + " levels");
            }
            if (node.isTextual()) {
                String problem = problemOf(node.asText());
                if (problem != null) {
                    throw invalid.apply("field " + cut(next.path()) + " holds " + problem
                            + ", which the database cannot store");
                }
            } else if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    String problem = problemOf(field.getKey());
                    if (problem != null) {
                        throw invalid.apply("a field name in " + cut(next.path()) + " holds " + problem
                                + ", which the database cannot store");
                    }
                    pending.push(new Pending(next, field.getKey(), -1, field.getValue(), next.depth() + 1));
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    pending.push(new Pending(next, null, i, node.get(i), next.depth() + 1));
                }
            }
        }
    }

    private static String cut(String path) {
        return path.length() <= MAX_PATH ? path : path.substring(0, MAX_PATH) + "…";
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
