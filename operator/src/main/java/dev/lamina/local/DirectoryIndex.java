package dev.lamina.local;

import dev.lamina.api.Alias;
import dev.lamina.api.Distribution;
import dev.lamina.api.EventSourceMapping;
import dev.lamina.api.Function;
import dev.lamina.api.FunctionKey;
import dev.lamina.api.FunctionVersion;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The documents of one read of the directory, sorted by what they are for: each Function, the FunctionVersions and
 * Aliases naming it, the ConfigMaps and Secrets of each namespace, the EventSourceMappings, the Distributions, and
 * the files that could not be used at all (with the first reason why), with what could not be used ({@code problems})
 * and the kinds local mode has no use for.
 */
record DirectoryIndex(Map<String, Map<String, ConfigMap>> configMaps,
                      Map<String, Map<String, Secret>> secrets,
                      Map<FunctionKey, ResourceFiles.Document> functions,
                      Map<FunctionKey, List<ResourceFiles.Document>> versions,
                      Map<FunctionKey, List<ResourceFiles.Document>> aliases,
                      List<ResourceFiles.Document> mappings,
                      List<ResourceFiles.Document> distributions,
                      Map<Path, String> unreadable,
                      List<String> problems,
                      List<String> unused) {

    static DirectoryIndex of(ResourceFiles.Contents contents) {
        List<String> problems = new ArrayList<>();
        DirectoryIndex index = new DirectoryIndex(new HashMap<>(), new HashMap<>(), new LinkedHashMap<>(),
                new HashMap<>(), new HashMap<>(), new ArrayList<>(), new ArrayList<>(), new HashMap<>(), problems,
                contents.unused());
        for (ResourceFiles.Problem p : contents.problems()) {
            problems.add(p.file() + ": " + p.message());
            if (p.fatal()) {
                index.unreadable().putIfAbsent(p.file(), p.message());
            }
        }
        for (ResourceFiles.Document d : contents.documents()) {
            HasMetadata r = d.resource();
            switch (r) {
                case ConfigMap cm -> index.configMaps().computeIfAbsent(FunctionKey.of(cm, "").namespace(),
                        n -> new HashMap<>()).put(cm.getMetadata().getName(), cm);
                case Secret secret -> index.secrets().computeIfAbsent(FunctionKey.of(secret, "").namespace(),
                        n -> new HashMap<>()).put(secret.getMetadata().getName(), secret);
                case Function f -> {
                    FunctionKey key = FunctionKey.of(f, f.getMetadata().getName());
                    ResourceFiles.Document first = index.functions().putIfAbsent(key, d);
                    if (first != null) {
                        problems.add(d.file() + ": Function " + key + " is also declared in " + first.file()
                                + "; this one is ignored");
                    }
                }
                case FunctionVersion v when v.getSpec() != null -> index.versions().computeIfAbsent(
                        FunctionKey.of(v, v.getSpec().function()), k -> new ArrayList<>()).add(d);
                case Alias a when a.getSpec() != null -> index.aliases().computeIfAbsent(
                        FunctionKey.of(a, a.getSpec().function()), k -> new ArrayList<>()).add(d);
                case EventSourceMapping m when m.getSpec() != null -> index.mappings().add(d);
                case Distribution x when x.getSpec() != null -> index.distributions().add(d);
                default -> problems.add(d.file() + ": " + r.getKind() + " " + r.getMetadata().getName()
                        + " has no spec; ignored");
            }
        }
        return index;
    }

    Map<String, ConfigMap> configMapsOf(FunctionKey key) {
        return configMaps.getOrDefault(key.namespace(), Map.of());
    }
}
