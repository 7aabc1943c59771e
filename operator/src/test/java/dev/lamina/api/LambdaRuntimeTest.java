package dev.lamina.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The runtime table against the CRD users install, and Lambda's deprecation phases. */
@Timeout(30)
class LambdaRuntimeTest {

    @Test
    void everyRuntimeTheInstalledCrdAcceptsHasAnAwsBaseImageAndNoOther() {
        Set<String> accepted = new LinkedHashSet<>();
        for (String pattern : runtimePatterns()) {
            accepted.addAll(FiniteRegex.expand(pattern));
        }

        assertThat(accepted).as("the CRD's runtime pattern").contains("java8.al2", "nodejs24.x", "python3.14",
                "ruby3.4", "dotnet10", "provided", "provided.al2023");
        assertThat(LambdaRuntime.ALL).extracting(LambdaRuntime::id).containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(LambdaRuntime.ALL).allSatisfy(runtime -> assertThat(runtime.image())
                .matches("public\\.ecr\\.aws/lambda/(java|nodejs|python|ruby|dotnet|provided):[0-9a-z.]+"));
        assertThat(LambdaRuntime.find("java8.al2").orElseThrow().image()).isEqualTo("public.ecr.aws/lambda/java:8.al2");
        assertThat(LambdaRuntime.find("nodejs22.x").orElseThrow().image()).isEqualTo("public.ecr.aws/lambda/nodejs:22");
        assertThat(LambdaRuntime.find("provided.al2023").orElseThrow().image())
                .isEqualTo("public.ecr.aws/lambda/provided:al2023");
        assertThat(LambdaRuntime.find("python3.13").orElseThrow().languageVersion()).isEqualTo("3.13");
    }

    @Test
    void theExpansionOfAPatternIsEveryStringItMatches() {
        assertThat(FiniteRegex.expand("^a(b|c\\.)?[1-2]$"))
                .containsExactlyInAnyOrder("a1", "a2", "ab1", "ab2", "ac.1", "ac.2");
    }

    @Test
    void everyAcceptedRuntimeRunsOrIsRefusedWithAReasonToday() {
        LocalDate today = LocalDate.of(2026, 12, 6);
        for (LambdaRuntime runtime : LambdaRuntime.ALL) {
            switch (runtime.phase(today)) {
                case SUPPORTED -> assertThat(runtime.notice(today)).as(runtime.id()).isEmpty();
                case DEPRECATED, BLOCKED -> assertThat(runtime.notice(today)).as(runtime.id()).get()
                        .asString().contains(runtime.id());
            }
        }
        assertThat(LambdaRuntime.find("nodejs18.x").orElseThrow().phase(today)).isEqualTo(LambdaRuntime.Phase.BLOCKED);
        assertThat(LambdaRuntime.find("dotnet8").orElseThrow().phase(today))
                .isEqualTo(LambdaRuntime.Phase.DEPRECATED);
        assertThat(LambdaRuntime.find("java25").orElseThrow().phase(today)).isEqualTo(LambdaRuntime.Phase.SUPPORTED);
    }

    @Test
    void aRuntimeIsDeprecatedThenBlockedOnLambdasDates() {
        LambdaRuntime python39 = LambdaRuntime.find("python3.9").orElseThrow();

        assertThat(python39.phase(LocalDate.of(2025, 12, 14))).isEqualTo(LambdaRuntime.Phase.SUPPORTED);
        assertThat(python39.phase(LocalDate.of(2025, 12, 15))).isEqualTo(LambdaRuntime.Phase.DEPRECATED);
        assertThat(python39.notice(LocalDate.of(2026, 1, 5))).contains("The runtime python3.9 is deprecated since"
                + " 2025-12-15: Lambda no longer patches it. Functions keep running; creating or updating them is"
                + " blocked from 2026-07-01. Use python3.14 instead.");
        assertThat(python39.phase(LocalDate.of(2026, 7, 1))).isEqualTo(LambdaRuntime.Phase.BLOCKED);
        assertThat(python39.notice(LocalDate.of(2026, 7, 1))).contains("The runtime parameter of python3.9 is no"
                + " longer supported for creating or updating AWS Lambda functions (deprecated 2025-12-15, blocked since"
                + " 2026-07-01). Versions already running keep running. Use python3.14 instead.");
    }

    @Test
    void aRuntimeOfferedAsContainerImageOnlyIsNeverBlocked() {
        LambdaRuntime dotnet9 = LambdaRuntime.find("dotnet9").orElseThrow();

        assertThat(dotnet9.phase(LocalDate.of(2040, 1, 1))).isEqualTo(LambdaRuntime.Phase.DEPRECATED);
        assertThat(dotnet9.notice(LocalDate.of(2026, 12, 6))).get().asString()
                .contains("Functions keep running.").contains("Use dotnet10 instead.");
    }

    /** The runtime pattern of every schema in the committed CRDs that has a runtime field (Function, FunctionVersion). */
    private static List<String> runtimePatterns() {
        List<String> patterns = new ArrayList<>();
        for (var file : Repository.yamlFiles(Repository.crds())) {
            for (JsonNode crd : Repository.documents(file)) {
                crd.findValues("runtime").stream()
                        .map(node -> node.path("pattern"))
                        .filter(JsonNode::isTextual)
                        .forEach(pattern -> patterns.add(pattern.asText()));
            }
        }
        assertThat(patterns).as("runtime patterns in crds/").isNotEmpty();
        return patterns;
    }
}
