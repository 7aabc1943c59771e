package dev.lamina.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mistakes users really make, each in its own file under {@code crd-cases/invalid/}, are refused by the CRD (its
 * OpenAPI schema or its CEL rules) with the message the file's {@code # expect:} line names.
 */
class InvalidResourcesTest {

    static List<ResourceCase> cases() {
        return ResourceCase.in("invalid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithItsMessage(ResourceCase mistake) {
        assertThat(mistake.expectedMessage()).as("the case's # expect: line").isPresent();
        assertThat(mistake.apply()).as("what kubectl apply answers").containsExactly(mistake.expectedMessage().get());
    }

    @Test
    void coversManyMistakesOfEveryKind() {
        assertThat(cases()).hasSizeGreaterThanOrEqualTo(25);
        assertThat(cases().stream().map(ResourceCase::kind).distinct())
                .containsExactlyInAnyOrder("Function", "FunctionVersion", "Alias", "EventSourceMapping", "Distribution");
    }
}
