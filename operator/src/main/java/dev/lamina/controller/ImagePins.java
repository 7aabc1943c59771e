package dev.lamina.controller;

import dev.lamina.api.CodeSource;
import dev.lamina.api.FunctionSpec;
import dev.lamina.api.FunctionVersion;
import dev.lamina.images.DigestLookup;
import dev.lamina.images.ImageReference;
import dev.lamina.images.RegistryClient;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A version's images (the function's image, code and layers packaged as images) fixed to the manifests their tags name
 * when it is published, so a tag pushed again later never changes what a published version runs. Asked once, at
 * publish: a version is never looked at again. A reference that carries a digest is kept as written; one whose
 * registry gives no digest keeps its tag, and the version says so ({@link #unpinned}).
 *
 * @param version  the version to publish, its images by digest where a registry gave one
 * @param unpinned what runs by tag and why, when anything does
 */
record ImagePins(FunctionVersion.Spec version, Optional<String> unpinned) {

    static ImagePins pin(FunctionVersion.Spec version, RegistryClient registries) {
        FunctionSpec spec = version.snapshot();
        Set<String> tagged = images(spec).stream()
                .filter(image -> ImageReference.parse(image).digest().isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (tagged.isEmpty()) {
            return new ImagePins(version, Optional.empty());
        }
        Map<String, DigestLookup> lookups = registries.digests(tagged);
        List<String> failures = new ArrayList<>();
        lookups.forEach((image, lookup) -> {
            if (lookup instanceof DigestLookup.Failed(String reason)) {
                failures.add(image + " (" + reason + ")");
            }
        });
        UnaryOperator<String> pinned = image -> image != null
                && lookups.get(image) instanceof DigestLookup.Found(String digest)
                ? ImageReference.parse(image).pinned(digest) : image;
        FunctionSpec pinnedSpec = spec.withImage(pinned.apply(spec.image()));
        if (spec.code() != null) {
            List<CodeSource> layers = spec.layers() == null ? null
                    : spec.layers().stream().map(layer -> withImage(layer, pinned.apply(layer.image()))).toList();
            pinnedSpec = pinnedSpec.withSources(withImage(spec.code(), pinned.apply(spec.code().image())), layers);
        }
        return new ImagePins(new FunctionVersion.Spec(version.function(), version.version(), version.codeSha256(),
                version.configSha256(), version.description(), pinnedSpec),
                failures.isEmpty() ? Optional.empty()
                        : Optional.of("runs by tag, not pinned to a digest: " + String.join("; ", failures)));
    }

    private static List<String> images(FunctionSpec spec) {
        List<String> images = new ArrayList<>();
        Optional.ofNullable(spec.image()).ifPresent(images::add);
        Optional.ofNullable(spec.code()).map(CodeSource::image).ifPresent(images::add);
        if (spec.layers() != null) {
            spec.layers().stream().map(CodeSource::image).filter(image -> image != null).forEach(images::add);
        }
        return images;
    }

    private static CodeSource withImage(CodeSource source, String image) {
        return new CodeSource(source.configMap(), source.url(), source.sha256(), image, source.path());
    }
}
