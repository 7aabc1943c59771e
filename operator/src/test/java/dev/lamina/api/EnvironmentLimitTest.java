package dev.lamina.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Lambda's 4 KB: the variables as one JSON object in UTF-8 bytes, with JSON's escapes, the Secrets' values included. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EnvironmentLimitTest {

    @Test
    void measuresTheVariablesAsOneJsonObjectInUtf8() {
        assertThat(EnvironmentLimit.measure(Map.of())).isEqualTo(2);
        assertThat(EnvironmentLimit.measure(Map.of("A", "b"))).as("{\"A\":\"b\"}").isEqualTo(9);
        assertThat(EnvironmentLimit.measure(Map.of("A", "é"))).as("two bytes in UTF-8").isEqualTo(10);
        assertThat(EnvironmentLimit.measure(Map.of("A", "say \"hi\""))).as("quotes escaped").isEqualTo(18);
    }

    @Test
    void refusesMoreThan4096BytesWithLambdasMessageAndNoValue() {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("CONFIG", "x".repeat(4096 - 13));
        assertThat(EnvironmentLimit.measure(variables)).isEqualTo(4096);
        assertThat(EnvironmentLimit.exceeded(variables)).isEmpty();
        variables.put("CONFIG", "x".repeat(4096 - 12));
        assertThat(EnvironmentLimit.exceeded(variables)).hasValue("Lambda was unable to configure your environment"
                + " variables because the environment variables you have provided exceeded the 4KB limit."
                + " Measured: 4097 bytes of at most 4096.");
    }

    @Test
    void countsSecretValuesWithThePlainOnes() {
        FunctionSpec spec = Repository.YAML.convertValue(Map.of(
                "image", "example/fn:1",
                "environment", Map.of("CONFIG", "c".repeat(3000)),
                "secretEnvironment", java.util.List.of(Map.of("name", "TOKEN",
                        "secretKeyRef", Map.of("name", "api", "key", "token")))), FunctionSpec.class);
        assertThat(EnvironmentLimit.exceeded(spec, (secret, key) -> null)).as("a missing Secret is reported apart")
                .isEmpty();
        assertThat(EnvironmentLimit.exceeded(spec, (secret, key) -> "t".repeat(1100)))
                .hasValueSatisfying(reason -> assertThat(reason).contains("Measured: 4124 bytes"));
    }
}
