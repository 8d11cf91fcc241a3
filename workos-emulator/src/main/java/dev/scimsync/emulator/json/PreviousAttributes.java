package dev.scimsync.emulator.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * WorkOS's {@code previous_attributes}: the old values of the root properties that changed,
 * with a shallow diff inside {@code raw_attributes} and {@code custom_attributes}; a property that
 * did not exist before appears with {@code null}. {@code updated_at} is not reported.
 */
public final class PreviousAttributes {

    private PreviousAttributes() {
    }

    public static ObjectNode between(ObjectNode before, ObjectNode after) {
        ObjectNode previous = Json.object();
        for (String field : fieldNames(before, after)) {
            if (field.equals("updated_at")) {
                continue;
            }
            JsonNode old = before.get(field);
            JsonNode now = after.get(field);
            if (Objects.equals(old, now)) {
                continue;
            }
            boolean nested = (field.equals("raw_attributes") || field.equals("custom_attributes"))
                    && old instanceof ObjectNode && now instanceof ObjectNode;
            previous.set(field, nested ? between((ObjectNode) old, (ObjectNode) now)
                    : old == null ? NullNode.getInstance() : old);
        }
        return previous;
    }

    private static Set<String> fieldNames(ObjectNode before, ObjectNode after) {
        Set<String> names = new LinkedHashSet<>();
        before.fieldNames().forEachRemaining(names::add);
        after.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
