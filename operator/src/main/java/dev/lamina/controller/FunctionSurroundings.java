package dev.lamina.controller;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.util.Map;
import java.util.Optional;

/**
 * The objects around a Function that its spec refers to, as observed before reconciling: absent entries were not
 * found in the namespace.
 *
 * @param configMaps     referenced ConfigMaps (code and layers) by name
 * @param claims         referenced PersistentVolumeClaims by name
 * @param serviceAccount whether the referenced ServiceAccount exists (empty when the spec names none)
 * @param secrets        referenced Secrets by name → their values by key
 */
record FunctionSurroundings(
        Map<String, ConfigMap> configMaps,
        Map<String, PersistentVolumeClaim> claims,
        Optional<Boolean> serviceAccount,
        Map<String, Map<String, String>> secrets) {
}
