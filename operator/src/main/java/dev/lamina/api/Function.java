package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A Lambda function: code or image plus configuration. The operator turns it into versions and environments.
 * Printer columns are listed in the order kubectl shows them (see {@link LaminaCrdPostProcessor}).
 */
@JsonClassDescription("A Lambda function: a container image or code package plus Lambda's configuration. Lamina publishes it as immutable FunctionVersions and runs each version in execution environments that scale with its invocations.")
@Group(Function.GROUP)
@Version(Function.VERSION)
@ShortNames("fn")
@ValidationRule(value = "size(self.metadata.name) <= 64 && !self.metadata.name.contains('.')",
        message = "a Function name is also its Lambda name: at most 64 lowercase letters, digits and '-'")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Latest Version", jsonPath = ".status.latestVersion", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Invoke URL", jsonPath = ".status.invokeUrl", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Function URL", jsonPath = ".status.functionUrl", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Environments", jsonPath = ".status.environments.ready", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Function extends CustomResource<FunctionSpec, FunctionStatus> implements Namespaced {
    public static final String GROUP = "lamina.dev";
    public static final String VERSION = "v1alpha1";
}
