package dev.lamina.sources;

/** An EventSourceMapping by namespace and name. */
public record MappingKey(String namespace, String name) {
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
