package dev.lamina.sources;

import dev.lamina.api.EventSourceMappingSpec;
import dev.lamina.async.FunctionRef;

/**
 * One EventSourceMapping as its feeder knows it: a running poller is replaced when the spec changes.
 *
 * @param generation the resource's generation (0 where there is none, in local mode); reported as observed
 */
public record Mapping(MappingKey key, long generation, EventSourceMappingSpec spec) {

    /** The function and qualifier the mapping invokes. */
    public FunctionRef function() {
        return new FunctionRef(key.namespace(), spec.function(), spec.qualifier());
    }
}
