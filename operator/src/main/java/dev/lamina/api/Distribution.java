package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A CloudFront-style distribution the gateway serves: origins, cache behaviours and Lambda@Edge hooks. */
@JsonClassDescription("A distribution, as CloudFront's: the gateway serves it on its own host (and a path), runs the Lambda@Edge functions associated with each cache behaviour at viewer request, origin request, origin response and viewer response, caches the origin's answers by the behaviour's cache policy, and forwards misses to the behaviour's origin.")
@Group(Function.GROUP)
@Version(Function.VERSION)
@ShortNames("dist")
@AdditionalPrinterColumn(name = "Id", jsonPath = ".status.distributionId", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "URL", jsonPath = ".status.url", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Functions", jsonPath = ".status.functionVersions", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Distribution extends CustomResource<DistributionSpec, DistributionStatus> implements Namespaced {
}
