package dev.lamina.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Lamina resource under examples/ (found by kind, whatever the folder) and every edge case under
 * {@code crd-cases/valid/} (values at Lambda's bounds, allowed updates) is accepted by the CRD.
 */
class ValidResourcesTest {

    record Example(String name, JsonNode resource) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Example> examples() {
        List<Example> examples = new ArrayList<>();
        for (var file : Repository.yamlFiles(Repository.examples())) {
            for (JsonNode document : Repository.documents(file)) {
                if (isLamina(document)) {
                    examples.add(new Example(Repository.examples().relativize(file) + " "
                            + document.path("kind").asText() + "/" + document.path("metadata").path("name").asText(),
                            document));
                }
            }
        }
        return examples;
    }

    /** Lamina's kinds are told apart from others (ConfigMaps, ServiceAccounts, ...) by kind only. */
    static boolean isLamina(JsonNode document) {
        return Resources.byKind(document.path("kind").asText()).isPresent();
    }

    static List<ResourceCase> edgeCases() {
        return ResourceCase.in("valid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void exampleIsAccepted(Example example) {
        assertThat(GeneratedCrds.validator(example.resource().path("kind").asText()).validate(example.resource()))
                .as("what kubectl apply answers").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edgeCases")
    void edgeCaseIsAccepted(ResourceCase edgeCase) {
        assertThat(edgeCase.apply()).as("what kubectl apply answers").isEmpty();
    }

    @Test
    void examplesShowEveryKind() {
        assertThat(examples().stream().map(example -> example.resource().path("kind").asText()).distinct())
                .containsExactlyInAnyOrder("Function", "FunctionVersion", "Alias", "EventSourceMapping", "Distribution");
    }

    /** Every resource the CRD accepts in these tests: the examples and the edge cases. */
    static Stream<Example> allAcceptedResources() {
        return Stream.concat(examples().stream(),
                edgeCases().stream().map(edgeCase -> new Example(edgeCase.name(), edgeCase.updated())));
    }
}
