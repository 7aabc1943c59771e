package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How many execution environments exist, as the version Deployments report them. */
public record EnvironmentCounts(
        @JsonPropertyDescription("Environments initialised and able to take invocations.") int ready,
        @JsonPropertyDescription("Environments wanted by the autoscaler.") int desired) {
}
