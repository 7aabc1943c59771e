package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/** An immutable published version of a Function: a snapshot of its spec, created by the operator. */
@JsonClassDescription("A published version of a Function: an immutable snapshot of its spec, created by Lamina when the Function publishes, owned by the Function.")
@Group(Function.GROUP)
@Version(Function.VERSION)
@ShortNames("fnv")
@AdditionalPrinterColumn(name = "Function", jsonPath = ".spec.function", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".spec.version", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Environments", jsonPath = ".status.environments.ready", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class FunctionVersion extends CustomResource<FunctionVersion.Spec, FunctionVersion.Status> implements Namespaced {

    @JsonClassDescription("The version's number and the Function spec it was published from. Immutable.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self == oldSelf", message = "a FunctionVersion is immutable: change the Function to publish a new version")
    public record Spec(
            @JsonPropertyDescription("Name of the Function this version belongs to.")
            @Required @Size(max = Names.FUNCTION_MAX_LENGTH) @Pattern(Names.FUNCTION) String function,
            @JsonPropertyDescription("The version number (1, 2, ...).")
            @Required @Size(max = 10) @Pattern(Names.VERSION) String version,
            @JsonPropertyDescription("SHA-256 of the code (archive, ConfigMap content or image reference).")
            @Size(max = 128) String codeSha256,
            @JsonPropertyDescription("SHA-256 of the code and configuration together; a new version is published when it changes.")
            @Size(max = 128) String configSha256,
            @JsonPropertyDescription("Description of the version.")
            @Size(max = 256) String description,
            @JsonPropertyDescription("The Function spec at publish time, without its url: a Function URL belongs to the Function ($LATEST) or to an Alias. A published version names its own immutable copies of the code and layer ConfigMaps (NAME-code-<digest>), so editing a ConfigMap never changes it, and its images by the digest their tags named at publish (name@sha256:...) where the registry gave one; annotation lamina.dev/unpinned-images tells which run by tag and why.")
            @ValidationRule(value = "!has(self.url)", message = "a Function URL belongs to a Function ($LATEST) or an Alias, never to a bare version")
            @Required FunctionSpec snapshot) {
    }

    @JsonClassDescription("What Lamina observed about the version: conditions and its execution environments.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(
            @JsonPropertyDescription("The metadata.generation this status describes.") Long observedGeneration,
            @JsonPropertyDescription("Ready, Reconciling and Stalled conditions, with reasons.") List<Condition> conditions,
            @JsonPropertyDescription("Execution environments of this version.") EnvironmentCounts environments)
            implements HasConditions {
    }
}
