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
        @JsonPropertyDescription("The deployment in progress, or the last one: phase, weights, hooks and the new version's counts.")
        DeploymentStatus deployment,
        @JsonPropertyDescription("The alias's Function URL (spec.url): host-based when the gateway has a URL domain, else path-based.")
        String functionUrl)
        implements HasConditions {

    /** Where a deployment stands: what the controller resumes from, and what the gateways route by. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeploymentStatus(
            @JsonPropertyDescription("PreTraffic (pre-traffic hook, warming the new version), Shifting, PostTraffic, Succeeded, RolledBack or Failed.")
            String phase,
            @JsonPropertyDescription("CodeDeploy-style id of this deployment (d-XXXXXXXXX), as in the hooks' events.") String deploymentId,
            @JsonPropertyDescription("The version traffic moves from (the one restored by a rollback).") String fromVersion,
            @JsonPropertyDescription("The version traffic moves to.") String targetVersion,
            @JsonPropertyDescription("Share of traffic the target version has now (0.0-1.0).") Double targetWeight,
            @JsonPropertyDescription("Shifting steps taken.") Integer step,
            @JsonPropertyDescription("When the deployment began (RFC 3339).") String started,
            @JsonPropertyDescription("When the current phase began (RFC 3339).") String since,
            @JsonPropertyDescription("When traffic moves next, while shifting (RFC 3339).") String nextStepAt,
            @JsonPropertyDescription("The LifecycleEventHookExecutionId of the hook being waited for.") String hookExecutionId,
            @JsonPropertyDescription("The target version's invocations since the deployment began, from every gateway replica.")
            DeploymentCounts counts,
            @JsonPropertyDescription("What happened last, e.g. why it rolled back, with the numbers that triggered it.") String message,
            @JsonPropertyDescription("The alias's metadata.generation the deployment was for: a version rolled back is not tried again until the alias changes.")
            Long observedGeneration) {

        public boolean inProgress() {
            return PRE_TRAFFIC.equals(phase) || SHIFTING.equals(phase) || POST_TRAFFIC.equals(phase);
        }

        public static final String PRE_TRAFFIC = "PreTraffic";
        public static final String SHIFTING = "Shifting";
        public static final String POST_TRAFFIC = "PostTraffic";
        public static final String SUCCEEDED = "Succeeded";
        public static final String ROLLED_BACK = "RolledBack";
        public static final String FAILED = "Failed";
    }

    /** A version's invocations during a deployment, summed over the gateway replicas. */
    public record DeploymentCounts(
            @JsonPropertyDescription("Invocations answered.") Long invocations,
            @JsonPropertyDescription("Function errors.") Long functionErrors,
            @JsonPropertyDescription("Platform errors (the invocation failed before the function answered).") Long platformErrors,
            @JsonPropertyDescription("Invocations refused for concurrency.") Long throttles,
            @JsonPropertyDescription("99th percentile duration in milliseconds (to the bound of its bucket).") Long p99DurationMillis) {
    }
}
