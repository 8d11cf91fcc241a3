package dev.scimsync.emulator.http.outbound;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scimsync.emulator.json.Json;
import dev.scimsync.emulator.model.Page;

import java.util.function.Function;

/** The WorkOS list envelope: {@code {"object":"list","data":[…],"list_metadata":{…}}}. */
final class ListJson {

    private ListJson() {
    }

    static <T> ObjectNode render(Page<T> page, Function<T, ObjectNode> renderer) {
        ObjectNode body = Json.object();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        page.data().forEach(item -> data.add(renderer.apply(item)));
        ObjectNode metadata = body.putObject("list_metadata");
        metadata.put("before", page.before());
        metadata.put("after", page.after());
        return body;
    }
}
