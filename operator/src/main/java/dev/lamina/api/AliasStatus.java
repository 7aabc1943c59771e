package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/** What the operator observed about an Alias, including the routing table in force. */
@JsonClassDescription("What Lamina observed about the alias: conditions and the routing table in force.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AliasStatus(
        @JsonPropertyDescription("The metadata.generation this status describes.") Long observedGeneration,
        @JsonPropertyDescription("Ready, Reconciling and Stalled conditions, with reasons.") List<Condition> conditions,
        @JsonPropertyDescription("The effective routing table: version → share of traffic, summing to 1.") Map<String, Double> routing,
        @JsonPropertyDescription("The routing table in words, e.g. 3=90%,4=10%.") String weights,
        @JsonPropertyDescription("Progress of a traffic-shifting deployment. Not reported yet: Lamina does not run deployments.")
        DeploymentStatus deployment,
        @JsonPropertyDescription("The alias's Function URL (spec.url): host-based when the gateway has a URL domain, else path-based.")
        String functionUrl)
        implements HasConditions {

    /** Where a deployment stands. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeploymentStatus(
            @JsonPropertyDescription("Idle, PreTraffic, Shifting, PostTraffic, Succeeded or RolledBack.") String phase,
            @JsonPropertyDescription("The version traffic is moving to.") String targetVersion,
            @JsonPropertyDescription("Share of traffic the target version has now.") Double targetWeight,
            @JsonPropertyDescription("When the current phase began (RFC 3339).") String since,
            @JsonPropertyDescription("Why the deployment rolled back, if it did.") String message,
            @JsonPropertyDescription("The deployment's id, which its traffic hooks report with.") String deploymentId,
            @JsonPropertyDescription("The id of the traffic hook execution the deployment waits for, if any.")
            String hookExecutionId) {
    }
}
