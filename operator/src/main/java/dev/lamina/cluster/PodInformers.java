package dev.lamina.cluster;

import dev.lamina.api.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The pods and Deployments of every function version, each kind in one informer (one watch for the cluster, not one
 * per version) indexed by namespace, function and version. {@link VersionPods} reads its version here and
 * is told when its pods change.
 */
public final class PodInformers implements AutoCloseable {
    private static final String BY_VERSION = "version";

    private final KubernetesClient client;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Deployment> deployments;
    private final Map<String, Set<Runnable>> listeners = new ConcurrentHashMap<>();

    public PodInformers(KubernetesClient client) {
        this.client = client;
        pods = client.pods().inAnyNamespace().withLabel(Labels.FUNCTION).runnableInformer(0);
        pods.addIndexers(Map.of(BY_VERSION, pod -> List.of(key(pod))));
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                changed(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod after) {
                changed(after);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                changed(pod);
            }
        });
        deployments = client.apps().deployments().inAnyNamespace().withLabel(Labels.FUNCTION).runnableInformer(0);
        deployments.addIndexers(Map.of(BY_VERSION, deployment -> List.of(key(deployment))));
        pods.run();
        deployments.run();
    }

    /** The environments of one version. */
    public VersionPods version(String namespace, String function, String version, Runnable onChange) {
        return new VersionPods(client, this, namespace, function, version, onChange);
    }

    List<Pod> pods(String namespace, String function, String version) {
        return pods.getIndexer().byIndex(BY_VERSION, key(namespace, function, version));
    }

    Deployment deployment(String namespace, String function, String version) {
        List<Deployment> found = deployments.getIndexer().byIndex(BY_VERSION, key(namespace, function, version));
        return found.isEmpty() ? null : found.getFirst();
    }

    /** Calls {@code listener} whenever a pod of the version is added, changes or goes; returns how to stop. */
    AutoCloseable watch(String namespace, String function, String version, Runnable listener) {
        String key = key(namespace, function, version);
        listeners.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>()).add(listener);
        return () -> listeners.getOrDefault(key, Set.of()).remove(listener);
    }

    private void changed(Pod pod) {
        for (Runnable listener : listeners.getOrDefault(key(pod), Set.of())) {
            listener.run();
        }
    }

    private static String key(HasMetadata resource) {
        Map<String, String> labels = resource.getMetadata().getLabels();
        return resource.getMetadata().getNamespace() + "/" + labels.get(Labels.FUNCTION) + "/"
                + labels.get(Labels.VERSION);
    }

    private static String key(String namespace, String function, String version) {
        return namespace + "/" + Labels.labelValue(function) + "/" + Labels.versionLabel(version);
    }

    @Override
    public void close() {
        pods.close();
        deployments.close();
    }
}
