package dev.scimsync.emulator.scim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.http.HttpError;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.model.ModelException;

import java.util.Map;

/** SCIM error responses (RFC 7644 §3.12). */
final class ScimErrors {

    static final String CONTENT_TYPE = "application/scim+json";
    private static final String ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

    private ScimErrors() {
    }

    static HttpError error(int status, String scimType, String detail) {
        ObjectNode body = Json.object();
        body.putArray("schemas").add(ERROR_SCHEMA);
        body.put("status", Integer.toString(status));
        if (scimType != null) {
            body.put("scimType", scimType);
        }
        body.put("detail", detail);
        return new HttpError(status, body, CONTENT_TYPE, Map.of());
    }

    static HttpError invalidValue(String detail) {
        return error(400, "invalidValue", detail);
    }

    static HttpError from(ModelException e) {
        switch (e.reason()) {
            case NOT_FOUND:
                return error(404, null, e.getMessage());
            case CONFLICT:
                return error(409, "uniqueness", e.getMessage());
            default:
                return invalidValue(e.getMessage());
        }
    }
}
