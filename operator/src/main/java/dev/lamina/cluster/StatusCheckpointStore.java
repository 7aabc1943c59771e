package dev.lamina.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.api.EventSourceMapping;
import dev.lamina.sources.CheckpointStore;
import dev.lamina.sources.MappingKey;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import java.util.Optional;

/**
 * Stream checkpoints in the mapping's own status ({@code status.checkpoints}, shard to sequence number): what a new
 * Lease holder reads after a failover, gone with the mapping. Written with a merge patch of the shards that moved,
 * which the reconciler's status updates carry over.
 */
public final class StatusCheckpointStore implements CheckpointStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KubernetesClient client;

    public StatusCheckpointStore(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Map<String, String> load(MappingKey mapping) {
        EventSourceMapping read = client.resources(EventSourceMapping.class).inNamespace(mapping.namespace())
                .withName(mapping.name()).get();
        return Optional.ofNullable(read).map(EventSourceMapping::getStatus).map(s -> s.checkpoints())
                .map(Map::copyOf).orElse(Map.of());
    }

    @Override
    public void save(MappingKey mapping, Map<String, String> moved) {
        ObjectNode patch = JSON.createObjectNode();
        ObjectNode checkpoints = patch.putObject("status").putObject("checkpoints");
        moved.forEach(checkpoints::put);
        client.resources(EventSourceMapping.class).inNamespace(mapping.namespace()).withName(mapping.name())
                .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
    }
}
