package dev.lamina.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.List;
import java.util.Optional;

/** The custom resource kinds of the {@value Function#GROUP} API, in the order the documentation presents them. */
public final class Resources {

    public static final List<Class<? extends CustomResource<?, ?>>> ALL =
            List.of(Function.class, FunctionVersion.class, Alias.class, EventSourceMapping.class,
                    Distribution.class);

    private Resources() {
    }

    /** The resource class of a kind of this API, e.g. {@code Alias} → {@link Alias}. */
    public static Optional<Class<? extends CustomResource<?, ?>>> byKind(String kind) {
        return ALL.stream().filter(type -> HasMetadata.getKind(type).equals(kind)).findFirst();
    }
}
