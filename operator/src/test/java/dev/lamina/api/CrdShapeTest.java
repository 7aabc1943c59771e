package dev.lamina.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What kubectl shows about our resources, and the properties the API server requires of a CRD. */
class CrdShapeTest {

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("Function", "functions", "fn", List.of("Ready", "Latest Version", "Invoke URL", "Function URL", "Environments", "Age")),
                Arguments.of("FunctionVersion", "functionversions", "fnv", List.of("Function", "Version", "Environments", "Age")),
                Arguments.of("Alias", "aliases", "fnalias", List.of("Function", "Version", "Weights", "Deployment", "Target",
                        "Next Step", "Function URL", "Age")),
                Arguments.of("EventSourceMapping", "eventsourcemappings", "esm", List.of("Function", "Source", "State", "Age")),
                Arguments.of("Distribution", "distributions", "dist", List.of("Id", "URL", "Ready", "Functions", "Age")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void kubectlNamesAndColumns(String kind, String plural, String shortName, List<String> columns) {
        JsonNode spec = GeneratedCrds.crd(kind).path("spec");
        assertThat(spec.path("group").asText()).isEqualTo("lamina.dev");
        assertThat(spec.path("scope").asText()).isEqualTo("Namespaced");
        assertThat(spec.path("names").path("plural").asText()).isEqualTo(plural);
        assertThat(texts(spec.path("names").path("shortNames"))).containsExactly(shortName);
        JsonNode version = spec.path("versions").get(0);
        assertThat(version.path("name").asText()).isEqualTo("v1alpha1");
        assertThat(version.path("subresources").has("status")).as("status subresource").isTrue();
        List<String> shown = new ArrayList<>();
        version.path("additionalPrinterColumns").forEach(column -> shown.add(column.path("name").asText()));
        assertThat(shown).as("kubectl get columns, in order").containsExactlyElementsOf(columns);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Function", "FunctionVersion", "Alias", "EventSourceMapping"})
    void kubectlExplainDescribesEveryField(String kind) {
        JsonNode root = schema(kind);
        List<String> undescribed = new ArrayList<>();
        if (root.path("description").asText().isBlank()) {
            undescribed.add("<root>");
        }
        walk(root, kind, (path, node) -> node.path("properties").properties().forEach(property -> {
            if (property.getValue().path("description").asText().isBlank()) {
                undescribed.add(path + "." + property.getKey());
            }
        }));
        assertThat(undescribed).as("fields without a description").isEmpty();
    }

    /**
     * The API server refuses a CRD whose CEL rules could cost too much on the largest possible object, and it sizes
     * unbounded lists and maps by the request size limit. Everything a user writes is bounded.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Function", "FunctionVersion", "Alias", "EventSourceMapping"})
    void everyListAndMapInTheSpecIsBounded(String kind) {
        List<String> unbounded = new ArrayList<>();
        walk(schema(kind).path("properties").path("spec"), "spec", (path, node) -> {
            if (node.path("type").asText().equals("array") && !node.has("maxItems")) {
                unbounded.add(path);
            }
            if (node.path("additionalProperties").isObject() && !node.has("maxProperties")) {
                unbounded.add(path);
            }
        });
        assertThat(unbounded).as("lists without maxItems, maps without maxProperties").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Function", "FunctionVersion", "Alias", "EventSourceMapping"})
    void everyCelRuleCompilesAgainstItsSchema(String kind) {
        assertThat(GeneratedCrds.validator(kind).ruleCount()).isPositive();
    }

    @Test
    void statusesShareTheKstatusConditionModel() {
        for (String kind : List.of("Function", "FunctionVersion", "Alias", "EventSourceMapping")) {
            JsonNode status = schema(kind).path("properties").path("status").path("properties");
            assertThat(status.path("observedGeneration").path("type").asText()).as(kind).isEqualTo("integer");
            JsonNode condition = status.path("conditions").path("items").path("properties");
            assertThat(fieldNames(condition)).as(kind).containsExactlyInAnyOrder(
                    "type", "status", "reason", "message", "lastTransitionTime", "observedGeneration");
        }
    }

    private static JsonNode schema(String kind) {
        return GeneratedCrds.crd(kind).path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
    }

    private interface Visitor {
        void visit(String path, JsonNode schema);
    }

    private static void walk(JsonNode schema, String path, Visitor visitor) {
        visitor.visit(path, schema);
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            walk(property.getValue(), path + "." + property.getKey(), visitor);
        }
        if (schema.path("items").isObject()) {
            walk(schema.path("items"), path + "[]", visitor);
        }
        if (schema.path("additionalProperties").isObject()) {
            walk(schema.path("additionalProperties"), path + "[*]", visitor);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
