package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** A Lambda alias: NAME resolves FUNCTION:NAME to a version, with optional weighted routing and progressive delivery. */
@JsonClassDescription("Which Function the alias belongs to, its name, the version it points at, weighted routing, provisioned concurrency and progressive delivery (deployment: canary or linear traffic shifting with hooks and automatic rollback).")
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.routingConfig) || !has(self.routingConfig.additionalVersionWeights) || !(self.functionVersion in self.routingConfig.additionalVersionWeights)",
        message = "routingConfig.additionalVersionWeights must not name the alias's own functionVersion")
@ValidationRule(value = "!has(self.routingConfig) || !has(self.routingConfig.additionalVersionWeights) || size(self.routingConfig.additionalVersionWeights) == 0 || self.functionVersion != '$LATEST'",
        message = "weighted routing needs a published functionVersion, not $LATEST")
@ValidationRule(value = "!has(self.provisionedConcurrency) || self.provisionedConcurrency == 0 || !has(self.functionVersion) || self.functionVersion != '$LATEST'",
        message = "provisionedConcurrency needs a published functionVersion, not $LATEST")
@ValidationRule(value = "has(self.functionVersion) != (has(self.deployment) && has(self.deployment.followLatest) && self.deployment.followLatest)",
        message = "an alias names its functionVersion, or follows the latest version (deployment.followLatest), not both")
@ValidationRule(value = "!has(self.deployment) || !has(self.routingConfig)",
        message = "routingConfig and deployment exclude each other: a deployment sets the weights itself")
@ValidationRule(value = "!has(self.deployment) || !has(self.functionVersion) || self.functionVersion != '$LATEST'",
        message = "a deployment moves between published versions: functionVersion cannot be $LATEST")
public record AliasSpec(
        @JsonPropertyDescription("Name of the Function in the same namespace.")
        @Required @Size(max = Names.FUNCTION_MAX_LENGTH) @Pattern(Names.FUNCTION) String function,
        @JsonPropertyDescription("The alias name, as in FUNCTION:NAME. Letters, digits, - and _; not a number.")
        @Required @Size(min = 1, max = 128) @Pattern("^[a-zA-Z0-9_-]+$")
        @ValidationRule(value = "!self.matches('^[0-9]+$')", message = "an alias name cannot be a number: numbers name versions")
        String name,
        @JsonPropertyDescription("The version the alias points at: a version number or $LATEST (an alias cannot point at another alias). With a deployment, changing it rolls the new version out by the deployment's type. Left out when deployment.followLatest is true.")
        @Size(max = 128)
        @ValidationRule(value = "self == '$LATEST' || self.matches('" + Names.VERSION + "')",
                message = "functionVersion must be a version number or $LATEST: an alias cannot point at another alias")
        String functionVersion,
        @JsonPropertyDescription("A description of the alias.")
        @Size(max = 256) String description,
        @JsonPropertyDescription("Weighted routing: a share of the traffic goes to a second version.")
        RoutingConfig routingConfig,
        @JsonPropertyDescription("Execution environments kept initialised for this alias's versions, before traffic arrives (0 = none). Needs a published version.")
        @Min(0) @Default("0") Integer provisionedConcurrency,
        @JsonPropertyDescription("Progressive delivery: a new version (a changed functionVersion, or each newly published one with followLatest) gets traffic step by step, with hooks before and after and automatic rollback; the routing in force and the progress are in status.")
        DeploymentPreference deployment,
        @JsonPropertyDescription("A Function URL on this alias: it invokes the alias's versions by its routing; its address is in status.functionUrl.")
        FunctionSpec.FunctionUrl url) {

    public AliasSpec {
        provisionedConcurrency = provisionedConcurrency == null ? 0 : provisionedConcurrency;
    }

    /** Lambda's alias routing configuration. */
    public record RoutingConfig(
            @JsonPropertyDescription("Version number → share of the traffic (0.0-1.0) sent to it; functionVersion gets the rest, so the weights sum to at most 1.0. Like Lambda, at most one additional version.")
            @Size(max = 1)
            @ValidationRule(value = "self.all(k, k.matches('" + Names.VERSION + "'))",
                    message = "additionalVersionWeights keys are published version numbers (not $LATEST, not an alias)")
            @ValidationRule(value = "self.all(k, self[k] >= 0.0 && self[k] <= 1.0)",
                    message = "routing weights are between 0.0 and 1.0 and sum to at most 1.0: functionVersion gets the rest")
            Map<String, Double> additionalVersionWeights) {
    }

    /** How a new version replaces the current one, like SAM's DeploymentPreference. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "(self.type == 'Canary' || self.type == 'Linear') == (has(self.stepPercent) && has(self.interval))",
            message = "stepPercent and interval go with type Canary or Linear (the predefined types name their own)")
    public record DeploymentPreference(
            @JsonPropertyDescription("Roll each newly published version of the function out to this alias; functionVersion is then left out.")
            @Default("false") Boolean followLatest,
            @JsonPropertyDescription("How traffic moves: AllAtOnce; CodeDeploy's Canary{10,25}Percent{5,10,15,30}Minutes (the share, then the rest after the wait) and Linear10PercentEvery{1,2,3,10}Minute(s); or Canary / Linear with stepPercent and interval.")
            @Pattern("^(AllAtOnce|Canary(10|25)Percent(5|10|15|30)Minutes|Linear10PercentEvery(1Minute|2Minutes|3Minutes|10Minutes)|Canary|Linear)$")
            @Default("AllAtOnce") String type,
            @JsonPropertyDescription("Type Canary or Linear: the share of traffic, in percent, the new version gets first (Canary) or gains each interval (Linear).")
            @Min(1) @Max(99) Integer stepPercent,
            @JsonPropertyDescription("Type Canary or Linear: how long the canary runs before the rest moves, or the time between linear steps, e.g. 30s, 5m, 1h30m.")
            @Size(min = 2, max = 20) @Pattern(AliasSpec.DURATION) String interval,
            @JsonPropertyDescription("When to roll back to the previous version; without it only a hook or an abort rolls back.")
            Rollback rollback,
            @JsonPropertyDescription("Functions invoked before any traffic moves and after all of it did, with CodeDeploy's hook event; each reports Succeeded or Failed through PutLifecycleEventHookExecutionStatus, and a failure or no report within the timeout rolls back.")
            Hooks hooks) {

        public DeploymentPreference {
            followLatest = followLatest != null && followLatest;
            type = type == null ? "AllAtOnce" : type;
        }
    }

    /** A duration as Kubernetes writes them: hours, minutes and seconds, e.g. {@code 90s}, {@code 1h30m} (not empty). */
    public static final String DURATION = "^([0-9]+h)?([0-9]+m)?([0-9]+s)?$";

    /** Automatic rollback during a deployment: alarms on the new version's invocations, counted on every gateway. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rollback(
            @JsonPropertyDescription("Roll back when the new version's error rate (function and platform errors over invocations) exceeds this fraction (0.0-1.0).")
            @Min(0.0) @Max(1.0) Double maxErrorRate,
            @JsonPropertyDescription("Invocations of the new version within the window needed before it is judged.")
            @Min(1) @Default("10") Integer minInvocations,
            @JsonPropertyDescription("The span of invocations judged, e.g. 1m; without it, every invocation since the deployment began.")
            @Size(min = 2, max = 20) @Pattern(AliasSpec.DURATION) String window,
            @JsonPropertyDescription("Count throttled invocations as errors (and as invocations) in the error rate.")
            @Default("false") Boolean countThrottles,
            @JsonPropertyDescription("Roll back when the new version's 99th percentile duration, in milliseconds, exceeds this.")
            @Min(1) Integer maxP99DurationMillis) {

        public Rollback {
            minInvocations = minInvocations == null ? 10 : minInvocations;
            countThrottles = countThrottles != null && countThrottles;
        }
    }

    /** Deployment hooks: functions in the same namespace (NAME or NAME:QUALIFIER), invoked with CodeDeploy's event. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Hooks(
            @JsonPropertyDescription("Invoked before any traffic moves to the new version.")
            @Size(max = 193) @Pattern(Names.QUALIFIED_FUNCTION) String preTraffic,
            @JsonPropertyDescription("Invoked after all traffic moved to the new version.")
            @Size(max = 193) @Pattern(Names.QUALIFIED_FUNCTION) String postTraffic,
            @JsonPropertyDescription("How long a hook has to report its status (CodeDeploy allows an hour), e.g. 30s, 10m.")
            @Size(min = 2, max = 20) @Pattern(AliasSpec.DURATION) @Default("1h") String timeout) {

        public Hooks {
            timeout = timeout == null ? "1h" : timeout;
        }
    }
}
