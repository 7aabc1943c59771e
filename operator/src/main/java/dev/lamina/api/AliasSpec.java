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
@JsonClassDescription("Which Function the alias belongs to, its name, the version it points at, weighted routing and provisioned concurrency; progressive delivery (deployment) is modelled but not acted on yet.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.routingConfig) || !has(self.routingConfig.additionalVersionWeights) || !(self.functionVersion in self.routingConfig.additionalVersionWeights)",
        message = "routingConfig.additionalVersionWeights must not name the alias's own functionVersion")
@ValidationRule(value = "!has(self.routingConfig) || !has(self.routingConfig.additionalVersionWeights) || size(self.routingConfig.additionalVersionWeights) == 0 || self.functionVersion != '$LATEST'",
        message = "weighted routing needs a published functionVersion, not $LATEST")
@ValidationRule(value = "!has(self.provisionedConcurrency) || self.provisionedConcurrency == 0 || self.functionVersion != '$LATEST'",
        message = "provisionedConcurrency needs a published functionVersion, not $LATEST")
public record AliasSpec(
        @JsonPropertyDescription("Name of the Function in the same namespace.")
        @Required @Size(max = Names.FUNCTION_MAX_LENGTH) @Pattern(Names.FUNCTION) String function,
        @JsonPropertyDescription("The alias name, as in FUNCTION:NAME. Letters, digits, - and _; not a number.")
        @Required @Size(min = 1, max = 128) @Pattern("^[a-zA-Z0-9_-]+$")
        @ValidationRule(value = "!self.matches('^[0-9]+$')", message = "an alias name cannot be a number: numbers name versions")
        String name,
        @JsonPropertyDescription("The version the alias points at: a version number or $LATEST (an alias cannot point at another alias).")
        @Required @Size(max = 128)
        @ValidationRule(value = "self == '$LATEST' || self.matches('" + Names.VERSION + "')",
                message = "functionVersion must be a version number or $LATEST: an alias cannot point at another alias")
        String functionVersion,
        @JsonPropertyDescription("A description of the alias.")
        @Size(max = 256) String description,
        @JsonPropertyDescription("Weighted routing: a share of the traffic goes to a second version.")
        RoutingConfig routingConfig,
        @JsonPropertyDescription("Execution environments kept initialised for this alias's versions, before traffic arrives (0 = none). Needs a published version.")
        @Min(0) @Default("0") Integer provisionedConcurrency,
        @JsonPropertyDescription("Progressive delivery: follow new versions with a canary or linear traffic shift and automatic rollback." + AliasSpec.NO_DEPLOYMENTS)
        DeploymentPreference deployment,
        @JsonPropertyDescription("A Function URL on this alias: it invokes the alias's versions by its routing; its address is in status.functionUrl.")
        FunctionSpec.FunctionUrl url) {

    /** Said of the progressive delivery fields: traffic moves only when functionVersion or routingConfig change. */
    static final String NO_DEPLOYMENTS = " Not acted on yet: Lamina does not run deployments; change functionVersion or routingConfig to move traffic.";

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
    public record DeploymentPreference(
            @JsonPropertyDescription("Move the alias to each newly published version of the function." + AliasSpec.NO_DEPLOYMENTS)
            @Default("false") Boolean followLatest,
            @JsonPropertyDescription("Traffic shifting: AllAtOnce, CanaryNPercentMMinutes or LinearNPercentEveryMMinutes (e.g. Canary10Percent5Minutes, Linear10PercentEvery1Minute)." + AliasSpec.NO_DEPLOYMENTS)
            @Pattern("^(AllAtOnce|Canary[1-9][0-9]?Percent[1-9][0-9]*Minutes?|Linear[1-9][0-9]?PercentEvery[1-9][0-9]*Minutes?)$")
            @Default("AllAtOnce") String type,
            @JsonPropertyDescription("When to roll back to the previous version." + AliasSpec.NO_DEPLOYMENTS)
            Rollback rollback,
            @JsonPropertyDescription("Functions invoked before and after traffic moves; a failing hook rolls back." + AliasSpec.NO_DEPLOYMENTS)
            Hooks hooks) {

        public DeploymentPreference {
            followLatest = followLatest != null && followLatest;
            type = type == null ? "AllAtOnce" : type;
        }
    }

    /** Automatic rollback during a deployment. */
    public record Rollback(
            @JsonPropertyDescription("Roll back when the new version's error rate exceeds this fraction (0.0-1.0).")
            @Min(0.0) @Max(1.0) Double maxErrorRate,
            @JsonPropertyDescription("Invocations of the new version needed before the error rate is judged.")
            @Min(1) Integer minInvocations) {
    }

    /** Deployment hooks: functions in the same namespace (NAME or NAME:QUALIFIER), invoked synchronously. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Hooks(
            @JsonPropertyDescription("Invoked before any traffic moves to the new version.")
            @Size(max = 193) @Pattern(Names.QUALIFIED_FUNCTION) String preTraffic,
            @JsonPropertyDescription("Invoked after all traffic moved to the new version.")
            @Size(max = 193) @Pattern(Names.QUALIFIED_FUNCTION) String postTraffic) {
    }
}
