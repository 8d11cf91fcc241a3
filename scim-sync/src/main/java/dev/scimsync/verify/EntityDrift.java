package dev.scimsync.verify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one kind of entity (members, groups or memberships) differs between WorkOS and the database.
 *
 * @param workos   how many WorkOS lists
 * @param database how many the database holds (present, from the directory)
 * @param missing  in WorkOS, not in the database
 * @param extra    in the database, not in WorkOS
 * @param changed  in both, with different values
 */
public record EntityDrift(long workos, long database, long missing, long extra, long changed,
                          List<String> missingExamples, List<String> extraExamples, List<Change> changedExamples) {

    public EntityDrift {
        missingExamples = List.copyOf(missingExamples);
        extraExamples = List.copyOf(extraExamples);
        changedExamples = List.copyOf(changedExamples);
    }

    /** One entity whose fields differ, by WorkOS id, with the names of the fields (never their values). */
    public record Change(String id, List<String> fields) {
        public Change {
            fields = List.copyOf(fields);
        }
    }

    public boolean inSync() {
        return missing == 0 && extra == 0 && changed == 0;
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("workos", workos);
        json.put("database", database);
        json.put("missing", missing);
        json.put("extra", extra);
        json.put("changed", changed);
        Map<String, Object> examples = new LinkedHashMap<>();
        examples.put("missing", missingExamples);
        examples.put("extra", extraExamples);
        examples.put("changed", changedExamples.stream()
                .map(c -> Map.<String, Object>of("id", c.id(), "fields", c.fields())).toList());
        json.put("examples", examples);
        return json;
    }
}
