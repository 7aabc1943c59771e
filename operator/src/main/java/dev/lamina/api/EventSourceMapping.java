package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Reads records from a queue, stream or schedule and invokes a function with them in batches. */
@JsonClassDescription("A Lambda event source mapping: a queue, stream or schedule whose records invoke a Function in batches, with filtering, retries and a failure destination. Lamina validates mappings but does not poll any source yet.")
@Group(Function.GROUP)
@Version(Function.VERSION)
@ShortNames("esm")
@AdditionalPrinterColumn(name = "Function", jsonPath = ".spec.function", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Source", jsonPath = ".status.sourceType", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class EventSourceMapping extends CustomResource<EventSourceMappingSpec, EventSourceMappingStatus>
        implements Namespaced {
}
