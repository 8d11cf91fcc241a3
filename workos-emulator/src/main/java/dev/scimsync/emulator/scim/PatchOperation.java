package dev.scimsync.emulator.scim;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One SCIM PatchOp operation (RFC 7644 §3.5.2); {@code op} is lower-cased, {@code path} may be null. */
record PatchOperation(String op, String path, JsonNode value) {

    static List<PatchOperation> parse(JsonNode body) {
        JsonNode operations = body.has("Operations") ? body.get("Operations") : body.get("operations");
        if (operations == null || !operations.isArray() || operations.isEmpty()) {
            throw ScimErrors.error(400, "invalidSyntax", "a PatchOp needs a non-empty 'Operations' array");
        }
        List<PatchOperation> parsed = new ArrayList<>();
        for (JsonNode operation : operations) {
            String op = operation.path("op").asText("").toLowerCase(Locale.ROOT);
            if (!op.equals("add") && !op.equals("replace") && !op.equals("remove")) {
                throw ScimErrors.error(400, "invalidSyntax", "unsupported op '" + op + "'");
            }
            String path = operation.hasNonNull("path") ? operation.get("path").asText() : null;
            JsonNode value = operation.get("value");
            if (path == null && (value == null || !value.isObject())) {
                throw ScimErrors.error(400, "noTarget", "an operation without 'path' needs an object 'value'");
            }
            parsed.add(new PatchOperation(op, path, value));
        }
        return parsed;
    }
}
