package dev.lamina.controller;

import dev.lamina.api.Labels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Deployment of one version. Its replica count belongs to the autoscaler: the desired state keeps whatever count
 * the Deployment has, raised to the version's provisioned environments, and gives back environments that a shrinking
 * provisioned concurrency released.
 */
final class DeploymentFactory {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final PodTemplateFactory pods;

    DeploymentFactory(ControllerSettings settings) {
        this.pods = new PodTemplateFactory(settings);
    }

    Deployment build(VersionTarget target, String namespace, Deployment actual) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(Labels.MIN_ENVIRONMENTS, Integer.toString(target.minEnvironments()));
        Deployment deployment = new DeploymentBuilder()
                .withNewMetadata()
                .withName(Labels.deploymentName(target.function(), target.version()))
                .withNamespace(namespace)
                .withLabels(Labels.forVersion(target.function(), target.version()))
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .withNewSelector().withMatchLabels(Labels.selector(target.function(), target.version())).endSelector()
                .withRevisionHistoryLimit(2)
                // A new environment must be ready before an old one goes: no invocation finds fewer slots.
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxSurge(new IntOrString("25%")).withMaxUnavailable(new IntOrString(0))
                .endRollingUpdate().endStrategy()
                .withTemplate(pods.build(target))
                .endSpec()
                .build();
        deployment.getMetadata().getAnnotations().put(Labels.DESIRED_HASH, hash(deployment));
        deployment.getSpec().setReplicas(replicas(target.minEnvironments(), actual));
        return deployment;
    }

    /** Whether {@code actual} already is what {@code desired} asks for. */
    static boolean matches(Deployment actual, Deployment desired) {
        return desired.getMetadata().getAnnotations().get(Labels.DESIRED_HASH)
                .equals(actual.getMetadata().getAnnotations() == null ? null
                        : actual.getMetadata().getAnnotations().get(Labels.DESIRED_HASH))
                && desired.getSpec().getReplicas().equals(actual.getSpec().getReplicas());
    }

    static int minEnvironments(Deployment deployment) {
        Map<String, String> annotations = deployment.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(Labels.MIN_ENVIRONMENTS);
        try {
            return value == null ? 0 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int replicas(int minimum, Deployment actual) {
        if (actual == null) {
            return minimum;
        }
        int current = actual.getSpec().getReplicas() == null ? 1 : actual.getSpec().getReplicas();
        int released = Math.max(0, minEnvironments(actual) - minimum);
        return Math.max(minimum, current - released);
    }

    private static String hash(Deployment deployment) {
        return Labels.sha256(SERIALIZATION.asJson(deployment)).substring(0, 32);
    }
}
