package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/** An immutable published version of a Function: a snapshot of its spec, created by the operator. */
@Group(Function.GROUP)
@Version(Function.VERSION)
@ShortNames("fnv")
@AdditionalPrinterColumn(name = "Function", jsonPath = ".spec.function", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".spec.version", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Environments", jsonPath = ".status.environments.ready", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class FunctionVersion extends CustomResource<FunctionVersion.Spec, FunctionVersion.Status> implements Namespaced {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self == oldSelf", message = "a FunctionVersion is immutable: change the Function to publish a new version")
    public record Spec(
            @JsonPropertyDescription("Name of the Function this version belongs to.")
            @Required @Pattern("^[a-zA-Z0-9_-]{1,64}$") String function,
            @JsonPropertyDescription("The version number (1, 2, ...).")
            @Required @Pattern("^[1-9][0-9]*$") String version,
            @JsonPropertyDescription("SHA-256 of the code (archive, ConfigMap content or image reference).")
            String codeSha256,
            @JsonPropertyDescription("SHA-256 of the code and configuration together; a new version is published when it changes.")
            String configSha256,
            @JsonPropertyDescription("Description of the version.")
            String description,
            @JsonPropertyDescription("The Function spec at publish time.")
            @Required FunctionSpec snapshot) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(
            @JsonPropertyDescription("The metadata.generation this status describes.") Long observedGeneration,
            @JsonPropertyDescription("Ready, Reconciling and Stalled conditions, with reasons.") List<Condition> conditions,
            @JsonPropertyDescription("Execution environments of this version.") EnvironmentCounts environments) {
    }
}
