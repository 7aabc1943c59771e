package dev.lamina.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Comparator;

/** A function by namespace (Lambda's account) and name: how every part of Lamina keys its functions. */
public record FunctionKey(String namespace, String name) implements Comparable<FunctionKey> {
    public static final String DEFAULT_NAMESPACE = "default";
    private static final Comparator<FunctionKey> ORDER = Comparator.comparing(FunctionKey::namespace)
            .thenComparing(FunctionKey::name);

    /** The function a resource names, in that resource's namespace ({@code default} when it has none). */
    public static FunctionKey of(HasMetadata resource, String function) {
        String namespace = resource.getMetadata().getNamespace();
        return new FunctionKey(namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace, function);
    }

    @Override
    public int compareTo(FunctionKey other) {
        return ORDER.compare(this, other);
    }

    /** {@code name} in the default namespace, else {@code namespace/name}. */
    @Override
    public String toString() {
        return DEFAULT_NAMESPACE.equals(namespace) ? name : namespace + "/" + name;
    }
}
