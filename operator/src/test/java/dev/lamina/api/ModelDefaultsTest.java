package dev.lamina.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java model and the CRD agree on every default: a resource read from a file (local mode) means the same as the
 * one the API server stores after applying the schema's defaults (cluster mode).
 */
class ModelDefaultsTest {

    static Stream<ValidResourcesTest.Example> resources() {
        return ValidResourcesTest.allAcceptedResources();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void fileAndApiServerReadTheSame(ValidResourcesTest.Example example) throws JsonProcessingException {
        JsonNode resource = example.resource();
        Class<? extends CustomResource<?, ?>> type = Resources.byKind(resource.path("kind").asText()).orElseThrow();
        ObjectNode stored = resource.deepCopy();
        Defaults.apply(GeneratedCrds.crd(type).path("spec").path("versions").get(0).path("schema")
                .path("openAPIV3Schema"), stored);

        Object asWritten = Repository.YAML.treeToValue(resource, type).getSpec();
        Object asStored = Repository.YAML.treeToValue(stored, type).getSpec();

        assertThat(asWritten).isEqualTo(asStored);
    }
}
