package dev.lamina.cluster;

import dev.lamina.api.Labels;
import dev.lamina.shim.ShimContract;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The execution environments of one function version on Kubernetes: the pods of the version's Deployment, each one an
 * environment whose shim takes invocations on its invoke port once it started. Scaling sets the Deployment's replica
 * count; when it shrinks, the pods the caller names (idle ones, longest idle first) get the lowest
 * {@value #DELETION_COST} so the ReplicaSet removes them and never one that is running an invocation.
 */
public final class VersionPods implements AutoCloseable {
    /** Read by the ReplicaSet controller: among ready pods, the lowest cost goes first when scaling down. */
    public static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";
    static final String REMOVE_FIRST = "-1000";

    /**
     * One environment.
     *
     * @param pod       the pod's name
     * @param address   the shim's invoke endpoint; null until the pod has an IP
     * @param listening the shim takes invocations (its startup probe passed), holding them while the runtime inits
     * @param ready     the pod is ready: its runtime finished init (the shim's readiness probe passed)
     */
    public record Environment(String pod, InetSocketAddress address, boolean listening, boolean ready) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String function;
    private final String version;
    private final PodInformers cluster;
    private final AutoCloseable watch;

    /** See {@link PodInformers#version}: {@code onChange} runs on an informer thread. */
    VersionPods(KubernetesClient client, PodInformers cluster, String namespace, String function,
                           String version, Runnable onChange) {
        this.client = client;
        this.cluster = cluster;
        this.namespace = namespace;
        this.function = function;
        this.version = version;
        this.watch = cluster.watch(namespace, function, version, onChange);
    }

    /** The version's environments that have not been told to stop, oldest first. */
    public List<Environment> environments() {
        return cluster.pods(namespace, function, version).stream()
                .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
                .sorted(Comparator.comparing((Pod pod) -> String.valueOf(pod.getMetadata().getCreationTimestamp()))
                        .thenComparing(pod -> pod.getMetadata().getName()))
                .map(VersionPods::environment)
                .toList();
    }

    /** Environments the Deployment asks for (starting ones included); 0 when it does not exist (yet). */
    public int wanted() {
        Deployment deployment = deployment();
        return deployment == null || deployment.getSpec().getReplicas() == null ? 0
                : deployment.getSpec().getReplicas();
    }

    /**
     * Asks for {@code environments} environments. When that is fewer than now, {@code removeFirst} names the pods to
     * stop (idle ones; the caller never names a busy one): they are marked with the lowest deletion cost before the
     * count goes down.
     *
     * @throws IllegalStateException when the version's Deployment does not exist (the operator has not created it)
     */
    public void scaleTo(int environments, List<String> removeFirst) {
        if (deployment() == null) {
            throw new IllegalStateException("Deployment " + deploymentName() + " of " + function + ":" + version
                    + " does not exist in " + namespace);
        }
        Set<String> existing = Set.copyOf(environments().stream().map(Environment::pod).toList());
        for (String pod : removeFirst) {
            if (existing.contains(pod)) {
                markForRemoval(pod);
            }
        }
        // A merge patch without resourceVersion: the autoscaler's count is the one that holds.
        client.apps().deployments().inNamespace(namespace).withName(deploymentName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + environments + "}}");
    }

    private void markForRemoval(String pod) {
        try {
            client.pods().inNamespace(namespace).withName(pod).patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"metadata\":{\"annotations\":{\"" + DELETION_COST + "\":\"" + REMOVE_FIRST + "\"}}}");
        } catch (KubernetesClientException gone) {
            if (gone.getCode() != 404) {
                throw gone;
            }
        }
    }

    private Deployment deployment() {
        return cluster.deployment(namespace, function, version);
    }

    private String deploymentName() {
        return Labels.deploymentName(function, version);
    }

    private static Environment environment(Pod pod) {
        var status = pod.getStatus();
        String ip = status == null ? null : status.getPodIP();
        boolean ready = ip != null && status.getConditions() != null && status.getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        boolean listening = ready || ip != null && status.getInitContainerStatuses() != null
                && status.getInitContainerStatuses().stream()
                .anyMatch(c -> ShimContract.CONTAINER_NAME.equals(c.getName())
                        && Boolean.TRUE.equals(c.getStarted()));
        // A pod IP is a literal: no name lookup happens here.
        return new Environment(pod.getMetadata().getName(),
                ip == null ? null : new InetSocketAddress(ip, invokePort(pod)), listening, ready);
    }

    /** The shim's invoke port as the pod's spec names it ({@link ShimContract#INVOKE_PORT} unless it says otherwise). */
    private static int invokePort(Pod pod) {
        return Stream.concat(pod.getSpec().getInitContainers().stream(), pod.getSpec().getContainers().stream())
                .flatMap(c -> c.getPorts().stream())
                .filter(port -> ShimContract.INVOKE_PORT_NAME.equals(port.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElse(ShimContract.INVOKE_PORT);
    }

    @Override
    public void close() throws Exception {
        watch.close();
    }
}
