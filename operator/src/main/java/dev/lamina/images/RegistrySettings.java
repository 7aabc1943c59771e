package dev.lamina.images;

import java.time.Duration;
import java.util.Set;

/**
 * How image tags are resolved to digests when a version is published.
 *
 * @param resolveDigests     whether to ask registries at all; off: versions run the references as written
 * @param timeout            how long one registry may take to answer one request
 * @param insecureRegistries registries (host[:port]) spoken to over plain HTTP; loopback ones always are
 */
public record RegistrySettings(boolean resolveDigests, Duration timeout, Set<String> insecureRegistries) {

    public RegistrySettings {
        insecureRegistries = Set.copyOf(insecureRegistries);
    }

    /** No registry is asked: references stay as written. */
    public static RegistrySettings off() {
        return new RegistrySettings(false, Duration.ofSeconds(5), Set.of());
    }
}
