package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What the operator observed about a Function. */
@JsonClassDescription("What Lamina observed about the function: conditions, the latest published version, the URL to invoke it and its execution environments.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FunctionStatus(
        @JsonPropertyDescription("The metadata.generation this status describes.") Long observedGeneration,
        @JsonPropertyDescription("Ready, Reconciling and Stalled conditions, with reasons.") List<Condition> conditions,
        @JsonPropertyDescription("The newest published version number, if any.") String latestVersion,
        @JsonPropertyDescription("SHA-256 of the code and configuration last published.") String latestVersionSha256,
        @JsonPropertyDescription("The gateway's Invoke API URL for the function (POST an event to it); not a Function URL.")
        String invokeUrl,
        @JsonPropertyDescription("The Function URL of $LATEST (spec.url): host-based (https://URL-ID.lambda-url.DOMAIN/) when the gateway has a URL domain, else path-based (GATEWAY/lambda-url/URL-ID/).")
        String functionUrl,
        @JsonPropertyDescription("Execution environments of all versions.") EnvironmentCounts environments)
        implements HasConditions {
}
