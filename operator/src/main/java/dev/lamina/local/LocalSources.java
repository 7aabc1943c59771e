package dev.lamina.local;

import dev.lamina.api.EventSourceMapping;
import dev.lamina.sources.EventSources;
import dev.lamina.sources.Mapping;
import dev.lamina.sources.MappingKey;
import dev.lamina.sources.SourceCollaborators;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Local mode's event source mappings: the EventSourceMappings of the directory polled in this process, following
 * edits; their credentials from the directory's Secrets; schedules' fired ticks under {@code <dir>/.lamina}.
 */
final class LocalSources implements AutoCloseable {
    private final EventSources sources;
    private final LocalSecrets secrets;
    private final LocalMappingStates states;
    private Map<MappingKey, EventSourceMapping> mappings = Map.of();

    /**
     * @param with     the pollers' collaborators; their status sink must be {@code states} and their credentials
     *                 {@code secrets}
     */
    LocalSources(SourceCollaborators with, LocalSecrets secrets, LocalMappingStates states) {
        this.sources = new EventSources(with);
        this.secrets = secrets;
        this.states = states;
    }

    /** Polls the mappings of one read of the directory. */
    void apply(DirectoryIndex index) {
        secrets.update(index.secrets());
        Map<MappingKey, EventSourceMapping> next = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        for (ResourceFiles.Document d : index.mappings()) {
            EventSourceMapping m = (EventSourceMapping) d.resource();
            String namespace = m.getMetadata().getNamespace();
            next.put(new MappingKey(namespace == null || namespace.isEmpty() ? "default" : namespace,
                    m.getMetadata().getName()), m);
        }
        mappings.keySet().stream().filter(k -> !next.containsKey(k)).forEach(states::forget);
        mappings = next;
        List<Mapping> polled = new ArrayList<>();
        next.forEach((key, m) -> polled.add(new Mapping(key, 0, m.getSpec())));
        sources.apply(polled);
    }

    /** What the console shows for each mapping: name, source, function and state. */
    List<String> describe() {
        List<String> lines = new ArrayList<>();
        mappings.forEach((key, m) -> lines.add(String.format("  %-20s %-16s → %s%s: %s", LocalMappingStates.name(key),
                m.getSpec().source().type(), m.getSpec().function(),
                m.getSpec().qualifier() == null ? "" : ":" + m.getSpec().qualifier(),
                LocalMappingStates.describe(states.state(key)))));
        return lines;
    }

    @Override
    public void close() {
        sources.close();
    }
}
