package dev.lamina.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * A CRD's {@code openAPIV3Schema} checked with a JSON-schema validator, with the API server's reading of it: unknown
 * fields are errors (kubectl's strict field validation), {@code x-kubernetes-*} extensions are left to
 * {@link CelRules}, and messages are worded as the API server words them.
 */
final class OpenApiSchema {

    private final JsonSchema schema;

    OpenApiSchema(JsonNode openApiV3Schema) {
        ObjectNode strict = openApiV3Schema.deepCopy();
        ObjectNode rootProperties = (ObjectNode) strict.path("properties");
        rootProperties.putObject("apiVersion").put("type", "string");
        rootProperties.putObject("kind").put("type", "string");
        rootProperties.putObject("metadata").put("type", "object");
        closeObjects(strict);
        // OpenAPI 3.0 schemas are JSON Schema draft 4 in the parts a structural CRD schema may use.
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(strict);
    }

    List<String> violations(JsonNode resource) {
        return schema.validate(resource).stream()
                .sorted(Comparator.comparing(message -> message.getInstanceLocation().toString()))
                .map(OpenApiSchema::describe)
                .toList();
    }

    private static void closeObjects(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            if (names.next().startsWith("x-kubernetes-")) {
                names.remove();
            }
        }
        if (object.has("properties") && !object.has("additionalProperties")) {
            object.set("additionalProperties", BooleanNode.FALSE);
        }
        object.path("properties").forEach(OpenApiSchema::closeObjects);
        closeObjects(object.path("items"));
        closeObjects(object.path("additionalProperties"));
    }

    /**
     * As the API server reports a schema violation: the field, the kind of error, the value, and the JSON-schema
     * detail naming the field ("spec.memoryMB in body should be ..."); an unknown field as strict decoding does.
     */
    private static String describe(ValidationMessage message) {
        String path = path(message.getInstanceLocation());
        Object[] arguments = message.getArguments();
        JsonNode value = message.getInstanceNode();
        String invalid = path + ": Invalid value: " + FieldValues.of(value) + ": " + path + " in body ";
        return switch (message.getType()) {
            case "required" -> child(path, message.getProperty()) + ": Required value";
            case "additionalProperties" -> "unknown field \"" + child(path, message.getProperty()) + "\"";
            case "minimum" -> invalid + "should be greater than or equal to " + number(arguments[0]);
            case "maximum" -> invalid + "should be less than or equal to " + number(arguments[0]);
            case "pattern" -> invalid + "should match '" + arguments[0] + "'";
            case "minLength" -> invalid + "should be at least " + arguments[0] + " chars long";
            case "maxLength" -> path + ": Too long: may not be more than " + arguments[0] + " bytes";
            case "minItems" -> invalid + "should have at least " + arguments[0] + " items";
            case "maxItems", "maxProperties" -> path + ": Too many: " + value.size() + ": must have at most "
                    + arguments[0] + " items";
            case "type" -> invalid + "must be of type " + arguments[1] + ": " + FieldValues.quoted(arguments[0].toString());
            default -> invalid + message.getMessage();
        };
    }

    /** 128.0 → 128, as the API server prints bounds. */
    private static String number(Object bound) {
        return new BigDecimal(bound.toString()).stripTrailingZeros().toPlainString();
    }

    private static String child(String path, String property) {
        return path.isEmpty() ? property : path + "." + property;
    }

    /** $.spec.fileSystems[0].mountPath → spec.fileSystems[0].mountPath, as Kubernetes writes field paths. */
    private static String path(JsonNodePath location) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            if (element instanceof Integer index) {
                path.append('[').append(index).append(']');
            } else {
                path.append(path.isEmpty() ? "" : ".").append(element);
            }
        }
        return path.toString();
    }
}
