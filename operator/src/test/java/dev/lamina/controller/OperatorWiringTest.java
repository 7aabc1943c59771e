package dev.lamina.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The application as packaged: Quarkus starts the operator with the reconcilers and the settings of
 * application.properties, against a mock API server (CRUD mode, so SSA must be off, as it is).
 */
@QuarkusTest
@TestProfile(OperatorWiringTest.OperatorOnMockServer.class)
@WithKubernetesTestServer(crud = true)
class OperatorWiringTest {

    public static class OperatorOnMockServer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lamina.controller.enabled", "true",
                    "lamina.controller.shim.image", "registry.example.com/lamina-shim:wired",
                    "lamina.controller.runtimes.\"python3.13\"", "mirror.example.com/lambda/python:3.13",
                    "quarkus.http.test-port", "0");
        }
    }

    @Inject
    KubernetesClient client;

    @Test
    void theApplicationReconcilesAFunctionWithItsConfiguredImages() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("wired").endMetadata()
                .build()).create();
        client.resource(Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: hello, namespace: wired}
                spec:
                  runtime: python3.13
                  handler: app.handler
                  code: {url: "https://example.com/hello.zip", sha256: "%s"}
                """.formatted("b".repeat(64)))).create();

        Deployment latest = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> client.apps().deployments().inNamespace("wired").withName("hello-latest").get(),
                        d -> d != null);
        var pod = latest.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers()).extracting("name", "image").containsExactly(
                org.assertj.core.groups.Tuple.tuple("function", "mirror.example.com/lambda/python:3.13"));
        assertThat(pod.getInitContainers()).extracting("name", "image").contains(
                org.assertj.core.groups.Tuple.tuple("lamina-shim", "registry.example.com/lamina-shim:wired"));
    }
}
