package dev.lamina.images;

import java.util.Locale;
import java.util.Optional;

/**
 * A container image reference as Kubernetes and Docker read it: {@code [registry/]repository[:tag][@digest]}. A first
 * component without a dot or colon (and not {@code localhost}) is part of the repository and the registry is Docker
 * Hub, whose official images live under {@code library/}.
 *
 * @param written    the reference as written
 * @param name       the part before tag and digest, as written (what a pinned reference keeps)
 * @param registry   the registry's host[:port] as the API is reached ({@code registry-1.docker.io} for Docker Hub)
 * @param repository the repository within the registry ({@code library/alpine} for {@code alpine})
 * @param tag        the tag ({@code latest} when none is written)
 * @param digest     the digest, when the reference carries one
 */
public record ImageReference(String written, String name, String registry, String repository, String tag,
                             Optional<String> digest) {
    static final String DOCKER_HUB = "docker.io";
    static final String DOCKER_HUB_API = "registry-1.docker.io";

    public static ImageReference parse(String reference) {
        String rest = reference;
        Optional<String> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Optional.of(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        String tag = "latest";
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        String name = rest;
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first.toLowerCase(Locale.ROOT);
                rest = rest.substring(slash + 1);
            }
        }
        if (registry.equals(DOCKER_HUB) || registry.equals("index.docker.io")) {
            registry = DOCKER_HUB_API;
            if (!rest.contains("/")) {
                rest = "library/" + rest;
            }
        }
        return new ImageReference(reference, name, registry, rest, tag, digest);
    }

    /** The same image fixed to a manifest digest: {@code name@sha256:…}, which always pulls the same content. */
    public String pinned(String manifestDigest) {
        return name + "@" + manifestDigest;
    }

    /** The registry's host without its port. */
    String host() {
        if (registry.startsWith("[")) {
            return registry.substring(0, registry.indexOf(']') + 1);
        }
        int colon = registry.indexOf(':');
        return colon < 0 ? registry : registry.substring(0, colon);
    }
}
