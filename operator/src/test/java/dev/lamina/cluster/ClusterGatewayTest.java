package dev.lamina.cluster;

import dev.lamina.controller.Fixtures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lamina.api.Labels;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The gateway in cluster mode, on a mock API server with the operator running: a call to a function at zero scales
 * its Deployment up; the test then plays the ReplicaSet and the kubelet, starting a real shim with a bash runtime on
 * loopback as the "pod" and setting it ready through the API; the call is answered by it; idle, the Deployment goes
 * back to zero with that pod marked to go first.
 */
@QuarkusTest
@TestProfile(ClusterGatewayTest.ClusterMode.class)
@WithKubernetesTestServer(crud = true)
class ClusterGatewayTest {
    public static class ClusterMode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lamina.controller.enabled", "true",
                    "lamina.gateway.invoke-auth", "none",
                    "lamina.gateway.scaling.stable-window", "2s",
                    "lamina.gateway.scaling.panic-window", "1s",
                    "lamina.gateway.scaling.tick", "200ms",
                    "quarkus.http.test-port", "0",
                    "quarkus.http.host", "127.0.0.1");
        }
    }

    @Inject
    KubernetesClient client;

    @Test
    void aCallScalesTheVersionFromZeroIsServedByItsPodAndIdleItGoesBackToZero() throws Exception {
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("echo-code").withNamespace("default")
                .endMetadata().addToData("bootstrap", PlayedPod.ECHO).build()).create();
        client.resource(Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: echo, namespace: default}
                spec:
                  runtime: provided.al2023
                  handler: echo
                  code: {configMap: echo-code}
                  scaling: {idleTimeoutSeconds: 1}
                """)).create();
        eventually().until(() -> deployment() != null && deployment().getSpec().getReplicas() == 0);

        CompletableFuture<HttpResponse<String>> call = invoke("{\"hello\":\"cluster\"}");
        eventually().until(() -> deployment().getSpec().getReplicas() == 1);

        try (PlayedPod pod = PlayedPod.start(client, "echo", Labels.LATEST, "echo-latest-5c9d-x7k2p",
                PlayedPod.ECHO)) {
            HttpResponse<String> response = call.get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"echo\":{\"hello\":\"cluster\"}}");
            assertThat(response.headers().firstValue("X-Amz-Executed-Version")).hasValue("$LATEST");

            eventually().until(() -> deployment().getSpec().getReplicas() == 0);
            assertThat(client.pods().inNamespace("default").withName("echo-latest-5c9d-x7k2p").get().getMetadata()
                    .getAnnotations()).containsEntry(VersionPods.DELETION_COST, "-1000");
        }
    }

    private Deployment deployment() {
        return client.apps().deployments().inNamespace("default").withName("echo-latest").get();
    }

    /**
     * Invokes as the AWS SDK does, taking a throttle as a reason to try again: until the Lease holder's first round of
     * concurrency shares includes a namespace seen for the first time (a quarter of a second), its calls get 429.
     */
    private static CompletableFuture<HttpResponse<String>> invoke(String event) {
        return invoke(event, 50);
    }

    private static CompletableFuture<HttpResponse<String>> invoke(String event, int attemptsLeft) {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        return HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/2015-03-31/functions/echo/invocations")).POST(HttpRequest.BodyPublishers.ofString(event))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString())
                .thenCompose(response -> response.statusCode() == 429 && attemptsLeft > 1
                        ? CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(100,
                                TimeUnit.MILLISECONDS)).thenCompose(ignored -> invoke(event, attemptsLeft - 1))
                        : CompletableFuture.completedFuture(response));
    }

    private static org.awaitility.core.ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions();
    }
}
