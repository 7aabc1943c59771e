package dev.lamina.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lamina.api.Labels;
import dev.lamina.controller.Fixtures;
import dev.lamina.controller.Leadership;
import dev.lamina.scaling.ConcurrencyLimits;
import dev.lamina.scaling.ShareKey;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
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
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A gateway-only replica (the chart's split form: lamina.controller.lease-candidate=false), with leader election on as
 * in production: it stays out of the election and never reconciles, yet routes a call to a function of the cluster,
 * scaling the version's Deployment up from zero, and its pod answers. The controller replica's part (the version's
 * Deployment, a concurrency share) is played by the test.
 */
@QuarkusTest
@TestProfile(GatewayOnlyTest.GatewayOnly.class)
@WithKubernetesTestServer(crud = true)
@Timeout(120)
class GatewayOnlyTest {
    public static class GatewayOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lamina.controller.enabled", "true",
                    "lamina.controller.lease-candidate", "false",
                    "quarkus.operator-sdk.activate-leader-election-for-profiles", "test",
                    "lamina.controller.exit-on-lost-lease", "false",
                    "lamina.gateway.invoke-auth", "none",
                    "quarkus.http.test-port", "0",
                    "quarkus.http.host", "127.0.0.1");
        }
    }

    @Inject
    KubernetesClient client;

    @Inject
    Leadership leadership;

    @Inject
    ConcurrencyLimits limits;

    @Test
    void servesAFunctionOfTheClusterWithoutTheControllerRole() throws Exception {
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
                """)).create();
        // The controller replica's part, played here: the version's Deployment at zero.
        client.resource(new DeploymentBuilder().withNewMetadata().withName(Labels.deploymentName("echo", Labels.LATEST))
                .withNamespace("default").withLabels(Labels.forVersion("echo", Labels.LATEST)).endMetadata()
                .withNewSpec().withReplicas(0).withNewSelector().withMatchLabels(Labels.forVersion("echo", Labels.LATEST))
                .endSelector().withNewTemplate().withNewMetadata().withLabels(Labels.forVersion("echo", Labels.LATEST))
                .endMetadata().withNewSpec().addNewContainer().withName("function").withImage("function")
                .endContainer().endSpec().endTemplate().endSpec().build()).create();

        // And the Lease holder's: a share of the namespace's account limit for this replica, once it knows the
        // namespace (a replica admits nothing it holds no share of).
        ShareKey account = ShareKey.unreserved("default");
        await().atMost(Duration.ofSeconds(60)).until(() -> limits.grant(Map.of(account, 10),
                        Duration.ofSeconds(60).toNanos()).stream()
                .anyMatch(use -> use.key().equals(account) && use.share() == 10));

        CompletableFuture<HttpResponse<String>> call = invoke("{\"hello\":\"gateway\"}");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> client.apps().deployments().inNamespace("default").withName("echo-latest").get()
                        .getSpec().getReplicas() == 1);
        try (PlayedPod pod = PlayedPod.start(client, "echo", Labels.LATEST, "echo-latest-5c9d-q8w4z",
                PlayedPod.ECHO)) {
            HttpResponse<String> response = call.get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"echo\":{\"hello\":\"gateway\"}}");
        }

        assertThat(leadership.leads()).isFalse();
        assertThat(client.leases().inNamespace(client.getNamespace()).withName("lamina-controller").get()).isNull();
        assertThat(client.resources(dev.lamina.api.Function.class).inNamespace("default").withName("echo").get()
                .getStatus()).as("never reconciled").isNull();
    }

    private static CompletableFuture<HttpResponse<String>> invoke(String event) {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        return HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/2015-03-31/functions/echo/invocations")).POST(HttpRequest.BodyPublishers.ofString(event))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
