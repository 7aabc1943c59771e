package dev.lamina.controller;

import dev.lamina.api.CodeSource;
import dev.lamina.api.Function;
import dev.lamina.api.FunctionSpec;
import dev.lamina.async.SecretData;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Looks up what a Function refers to: ConfigMaps, claims and its ServiceAccount from the informer caches, Secrets
 * with a read (the operator does not watch Secrets, to keep its permissions on them at {@code get}).
 */
final class FunctionObserver {
    private FunctionObserver() {
    }

    static FunctionSurroundings observe(Function function, Context<Function> context) {
        FunctionSpec spec = function.getSpec();
        String namespace = function.getMetadata().getNamespace();
        Map<String, ConfigMap> configMaps = new HashMap<>();
        var configMapSource = (InformerEventSource<ConfigMap, Function>) context.eventSourceRetriever()
                .getEventSourceFor(ConfigMap.class, FunctionReconciler.REFERENCED_CONFIG_MAPS);
        for (String name : configMapNames(spec)) {
            configMapSource.get(new ResourceID(name, namespace)).ifPresent(cm -> configMaps.put(name, cm));
        }
        Map<String, PersistentVolumeClaim> claims = new HashMap<>();
        var claimSource = (InformerEventSource<PersistentVolumeClaim, Function>) context.eventSourceRetriever()
                .getEventSourceFor(PersistentVolumeClaim.class);
        for (String name : claimNames(spec)) {
            claimSource.get(new ResourceID(name, namespace)).ifPresent(pvc -> claims.put(name, pvc));
        }
        Optional<Boolean> serviceAccount = Optional.empty();
        if (spec.serviceAccountName() != null) {
            var saSource = (InformerEventSource<ServiceAccount, Function>) context.eventSourceRetriever()
                    .getEventSourceFor(ServiceAccount.class);
            serviceAccount = Optional.of(saSource.get(new ResourceID(spec.serviceAccountName(), namespace))
                    .isPresent());
        }
        Map<String, Map<String, String>> secrets = new HashMap<>();
        if (spec.secretEnvironment() != null) {
            for (var variable : spec.secretEnvironment()) {
                String secretName = variable.secretKeyRef().name();
                if (!secrets.containsKey(secretName)) {
                    Secret secret = context.getClient().secrets().inNamespace(namespace).withName(secretName).get();
                    if (secret != null) {
                        secrets.put(secretName, SecretData.values(secret));
                    }
                }
            }
        }
        return new FunctionSurroundings(configMaps, claims, serviceAccount, secrets);
    }

    static Set<String> configMapNames(FunctionSpec spec) {
        Set<String> names = new LinkedHashSet<>();
        if (spec.code() != null && spec.code().configMap() != null) {
            names.add(spec.code().configMap());
        }
        if (spec.layers() != null) {
            spec.layers().stream().map(CodeSource::configMap).filter(Objects::nonNull).forEach(names::add);
        }
        return names;
    }

    static Set<String> claimNames(FunctionSpec spec) {
        return spec.fileSystems() == null ? Set.of() : spec.fileSystems().stream()
                .map(FunctionSpec.FileSystemMount::claimName).collect(Collectors.toSet());
    }
}
