package dev.lamina.cluster;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where the gateway replicas answer: the running pods among the gateway's, by name (a terminating one too: it still
 * answers the invocations it took).
 */
final class GatewayPods {
    /** The container port a replica's pod names for its HTTP server; without one, the configured port is used. */
    static final String HTTP_PORT_NAME = "http";

    private GatewayPods() {
    }

    /** The base URI of every running pod with an IP, by pod name. */
    static Map<String, URI> running(Collection<Pod> pods, int defaultPort) {
        Map<String, URI> running = new TreeMap<>();
        for (Pod pod : pods) {
            if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())
                    && pod.getStatus().getPodIP() != null && !pod.getStatus().getPodIP().isEmpty()) {
                running.put(pod.getMetadata().getName(),
                        URI.create("http://" + host(pod.getStatus().getPodIP()) + ":" + port(pod, defaultPort)));
            }
        }
        return running;
    }

    private static int port(Pod pod, int defaultPort) {
        return pod.getSpec().getContainers().stream()
                .flatMap(c -> c.getPorts() == null ? Stream.<ContainerPort>empty() : c.getPorts().stream())
                .filter(p -> HTTP_PORT_NAME.equals(p.getName()) && p.getContainerPort() != null)
                .map(ContainerPort::getContainerPort)
                .findFirst().orElse(defaultPort);
    }

    private static String host(String ip) {
        return ip.contains(":") ? "[" + ip + "]" : ip;
    }
}
