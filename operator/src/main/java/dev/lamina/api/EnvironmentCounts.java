package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How many execution environments exist, and in which state. */
public record EnvironmentCounts(
        @JsonPropertyDescription("Environments initialised and able to take invocations.") int ready,
        @JsonPropertyDescription("Environments running at least one invocation.") int busy,
        @JsonPropertyDescription("Environments wanted by the autoscaler.") int desired) {
}
