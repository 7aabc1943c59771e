package dev.lamina.images;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Resolution of image tags to digests ({@code lamina.images.*}). */
@ConfigMapping(prefix = "lamina.images")
public interface ImagesConfig {

    /** Pin a published version's images to the digests their tags name at publish time. */
    @WithDefault("true")
    boolean resolveDigests();

    /** How long a registry may take to answer one request before the tag is kept (with a warning). */
    @WithDefault("5s")
    Duration timeout();

    /** Registries (host[:port]) reached over plain HTTP; loopback registries always are. */
    Optional<Set<String>> insecureRegistries();

    default RegistrySettings toSettings() {
        return new RegistrySettings(resolveDigests(), timeout(), insecureRegistries().orElse(Set.of()));
    }
}
