package dev.lamina.controller;

import dev.lamina.api.FunctionVersion;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one reconciliation of a Function applies, decided before any write: the versions that exist afterwards and the
 * Deployments they run on. The dependent resources read it from the reconciliation context.
 *
 * @param versions   existing versions to keep, by number
 * @param toPublish  the version to create, if any (its code and layers on their copies: {@link CodeSnapshots}, its
 *                   images by digest: {@link ImagePins})
 * @param unpinnedImages what the version to publish runs by tag and why, if anything
 * @param snapshots  the copies of ConfigMaps the version to publish needs, by name
 * @param targets    one entry per Deployment: {@code $LATEST} and every version kept or published
 * @param deployments how the Deployments are built
 */
record FunctionPlan(
        Map<String, FunctionVersion> versions,
        Optional<FunctionVersion.Spec> toPublish,
        Optional<String> unpinnedImages,
        Map<String, ConfigMap> snapshots,
        List<VersionTarget> targets,
        DeploymentFactory deployments) {

    static final String KEY = FunctionPlan.class.getName();
}
