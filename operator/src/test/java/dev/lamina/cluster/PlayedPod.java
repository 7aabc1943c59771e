package dev.lamina.cluster;

import dev.lamina.api.Labels;
import dev.lamina.shim.Shim;
import dev.lamina.shim.ShimConfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The pod of a function version's Deployment as its ReplicaSet and the kubelet would make it, played by a test on a
 * mock API server: a real shim with a bash runtime on loopback, and the pod (its shim's port, the version's labels)
 * created and set ready through the API.
 */
final class PlayedPod implements AutoCloseable {

    /** A bash runtime answering each event with {@code {"echo": EVENT}}. */
    static final String ECHO = """
            #!/bin/bash
            set -euo pipefail
            api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
            headers=$(mktemp)
            while true; do
              event=$(curl -sS -D "$headers" "$api/next")
              id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d' ' -f2 | tr -d '\\r\\n')
              curl -sS -o /dev/null -X POST "$api/$id/response" -d "{\\"echo\\":${event:-null}}"
            done
            """;

    private final Path bootstrap;
    private final Shim shim;

    private PlayedPod(Path bootstrap, Shim shim) {
        this.bootstrap = bootstrap;
        this.shim = shim;
    }

    static PlayedPod start(KubernetesClient client, String function, String version, String podName,
                           String bootstrapScript) throws IOException {
        Path bootstrap = Files.createTempFile("bootstrap", "", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.writeString(bootstrap, bootstrapScript);
        Shim shim = Shim.start(ShimConfig.builder().functionName(function).invokePort(0)
                .runtimeCommand(List.of(bootstrap.toString())).logSink(line -> { }).build());
        Pod pod = client.resource(new PodBuilder().withNewMetadata().withName(podName).withNamespace("default")
                .withLabels(Labels.forVersion(function, version)).endMetadata()
                .withNewSpec()
                .addNewInitContainer().withName("lamina-shim").withImage("lamina-shim").withRestartPolicy("Always")
                .addNewPort().withName("invoke").withContainerPort(shim.invokeAddress().getPort()).endPort()
                .endInitContainer()
                .addNewContainer().withName("function").withImage("public.ecr.aws/lambda/provided:al2023")
                .endContainer()
                .endSpec().build()).create();
        pod.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("127.0.0.1")
                .addNewCondition().withType("Ready").withStatus("True").endCondition().build());
        client.resource(pod).updateStatus();
        return new PlayedPod(bootstrap, shim);
    }

    @Override
    public void close() throws IOException {
        shim.close();
        Files.delete(bootstrap);
    }
}
