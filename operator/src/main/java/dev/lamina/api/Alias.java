package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A named pointer to a function version, optionally splitting traffic with a second version. */
@JsonClassDescription("A Lambda alias: a name (FUNCTION:NAME) that points at a published version of a Function, optionally sending a share of the traffic to a second version, with provisioned concurrency. With spec.deployment, new versions are rolled out step by step (canary or linear) with hooks and automatic rollback.")
@Group(Function.GROUP)
@Version(Function.VERSION)
@ShortNames("fnalias")
@AdditionalPrinterColumn(name = "Function", jsonPath = ".spec.function", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".spec.functionVersion", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Weights", jsonPath = ".status.weights", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Deployment", jsonPath = ".status.deployment.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Target", jsonPath = ".status.deployment.targetVersion", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Next Step", jsonPath = ".status.deployment.nextStepAt", type = AdditionalPrinterColumn.Type.DATE, priority = 1)
@AdditionalPrinterColumn(name = "Function URL", jsonPath = ".status.functionUrl", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Alias extends CustomResource<AliasSpec, AliasStatus> implements Namespaced {
}
