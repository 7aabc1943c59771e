package dev.lamina.sources;

import dev.lamina.api.SecretRef;
import java.util.Map;

/** Reads the values of a Secret in a mapping's namespace (a Kafka cluster's credentials, its CAs); implemented where Secrets can be read. */
@FunctionalInterface
public interface SecretValues {

    /**
     * The Secret's values by key, decoded from {@code data} and taken from {@code stringData}.
     *
     * @throws IllegalStateException when the Secret does not exist
     */
    Map<String, String> read(String namespace, SecretRef secret);
}
