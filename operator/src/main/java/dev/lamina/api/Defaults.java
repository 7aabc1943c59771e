package dev.lamina.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Applies a structural schema's {@code default}s to an object, as the API server does before validating it. */
final class Defaults {

    private Defaults() {
    }

    static void apply(JsonNode schema, JsonNode value) {
        if (value instanceof ObjectNode object && schema.has("properties")) {
            for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
                if (!object.has(property.getKey()) && property.getValue().has("default")) {
                    object.set(property.getKey(), property.getValue().path("default").deepCopy());
                }
                if (object.has(property.getKey())) {
                    apply(property.getValue(), object.get(property.getKey()));
                }
            }
        } else if (value instanceof ObjectNode object && schema.path("additionalProperties").isObject()) {
            object.forEach(entry -> apply(schema.path("additionalProperties"), entry));
        } else if (value.isArray()) {
            value.forEach(item -> apply(schema.path("items"), item));
        }
    }
}
