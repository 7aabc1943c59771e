package dev.lamina.controller;

import dev.lamina.api.CodeSource;
import dev.lamina.api.FunctionSpec;
import dev.lamina.api.FunctionVersion;
import dev.lamina.api.Labels;
import dev.lamina.versions.SpecDigest;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A published version's own copies of the ConfigMaps its code and layers come from, so editing a ConfigMap changes
 * {@code $LATEST} (and publishes a new version) but never a version already published. A copy is named by the
 * function and its content ({@code NAME-code-<digest>}): versions with the same content share one, and a copy is
 * never changed. It lives as long as a kept version refers to it.
 */
final class CodeSnapshots {

    private static final int DIGEST_CHARS = 16;

    private CodeSnapshots() {
    }

    /** The name of the copy of {@code source}'s content for {@code function}. */
    static String name(String function, ConfigMap source) {
        return function + "-code-" + SpecDigest.configMap(source).substring(0, DIGEST_CHARS);
    }

    /**
     * The version to publish, with every ConfigMap its code and layers name replaced by its copy (a source that
     * cannot be resolved stays as it is: validation has already refused a spec naming a missing ConfigMap).
     */
    static FunctionVersion.Spec pinned(FunctionVersion.Spec version, Function<String, ConfigMap> configMaps) {
        FunctionSpec spec = version.snapshot();
        if (spec.code() == null) {
            return version;
        }
        List<CodeSource> layers = spec.layers() == null ? null
                : spec.layers().stream().map(layer -> pinned(version.function(), layer, configMaps)).toList();
        FunctionSpec pinned = spec.withSources(pinned(version.function(), spec.code(), configMaps), layers);
        return new FunctionVersion.Spec(version.function(), version.version(), version.codeSha256(),
                version.configSha256(), version.description(), pinned);
    }

    private static CodeSource pinned(String function, CodeSource source, Function<String, ConfigMap> configMaps) {
        ConfigMap original = source.configMap() == null ? null : configMaps.apply(source.configMap());
        return original == null ? source
                : new CodeSource(name(function, original), source.url(), source.sha256(), source.image(),
                source.path());
    }

    /** The copies to create for the version being published: by name, from the ConfigMaps as they are now. */
    static Map<String, ConfigMap> copies(String namespace, FunctionVersion.Spec original,
                                         Function<String, ConfigMap> configMaps) {
        Map<String, ConfigMap> copies = new LinkedHashMap<>();
        for (CodeSource source : sources(original.snapshot())) {
            ConfigMap from = source.configMap() == null ? null : configMaps.apply(source.configMap());
            if (from != null) {
                String name = name(original.function(), from);
                copies.put(name, new ConfigMapBuilder()
                        .withNewMetadata().withName(name).withNamespace(namespace)
                        .addToLabels(Labels.MANAGED_BY, Labels.OPERATOR)
                        .addToLabels(Labels.CODE_SNAPSHOT, Labels.labelValue(original.function()))
                        .addToAnnotations("lamina.dev/copied-from", source.configMap())
                        .endMetadata()
                        .withData(from.getData()).withBinaryData(from.getBinaryData()).withImmutable(true)
                        .build());
            }
        }
        return copies;
    }

    /** The copies the given versions run on: every ConfigMap their code and layers name that is a copy. */
    static Set<String> referenced(String function, Collection<FunctionVersion.Spec> versions) {
        String prefix = function + "-code-";
        return versions.stream().flatMap(v -> sources(v.snapshot()).stream())
                .map(CodeSource::configMap)
                .filter(name -> name != null && name.startsWith(prefix)
                        && name.length() == prefix.length() + DIGEST_CHARS)
                .collect(Collectors.toSet());
    }

    private static List<CodeSource> sources(FunctionSpec spec) {
        List<CodeSource> sources = new ArrayList<>();
        Stream.ofNullable(spec.code()).forEach(sources::add);
        if (spec.layers() != null) {
            sources.addAll(spec.layers());
        }
        return sources;
    }
}
