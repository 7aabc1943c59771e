package dev.lamina.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.api.Condition;
import dev.lamina.api.Distribution;
import dev.lamina.controller.Fixtures;
import dev.lamina.edge.EdgeHosts;
import dev.lamina.scaling.ConcurrencyLimits;
import dev.lamina.scaling.ShareKey;
import dev.lamina.testing.TestOrigin;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A distribution in cluster mode, on a mock API server with the operator running: the controller reports its id,
 * functions and problems in status; the gateway serves it from its informer, running the viewer-response function's
 * published version in a "pod" the test plays (a real shim with a bash runtime on loopback), in front of a real
 * origin.
 */
@QuarkusTest
@TestProfile(ClusterGatewayTest.ClusterMode.class)
@WithKubernetesTestServer(crud = true)
class DistributionClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STAMP = """
            #!/bin/bash
            set -euo pipefail
            api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
            headers=$(mktemp)
            while true; do
              event=$(curl -sS -D "$headers" "$api/next")
              id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d' ' -f2 | tr -d '\\r\\n')
              jq -c '.Records[0].cf.response | .headers["x-stamp"] = [{key: "X-Stamp", value: "cluster"}]' \\
                <<<"$event" | curl -sS -o /dev/null -X POST "$api/$id/response" --data-binary @-
            done
            """;

    @Inject
    KubernetesClient client;

    @Inject
    ConcurrencyLimits limits;

    @Test
    void theControllerReportsTheDistributionAndEveryGatewayServesIt() throws Exception {
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("stamp-code").withNamespace("default")
                .endMetadata().addToData("bootstrap", STAMP).build()).create();
        client.resource(Fixtures.function("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: stamp, namespace: default}
                spec:
                  runtime: provided.al2023
                  handler: stamp
                  code: {configMap: stamp-code}
                  timeoutSeconds: 5
                  publish: true
                """)).create();
        String origin = "http://127.0.0.1:" + TestOrigin.shared().port();
        client.resource(distribution("site", origin, "1")).create();
        client.resource(distribution("site-broken", origin, "9")).create();

        eventually().until(() -> ready("site") != null && ready("site").status().equals("True"));
        Distribution site = client.resources(Distribution.class).inNamespace("default").withName("site").get();
        assertThat(site.getStatus().distributionId()).isEqualTo(EdgeHosts.id("default", "site"));
        assertThat(site.getStatus().functionVersions()).containsExactly("stamp:1");
        eventually().until(() -> ready("site-broken") != null && ready("site-broken").status().equals("False"));
        assertThat(ready("site-broken").message()).contains("stamp:9 does not exist");

        // The replica admits nothing before the Lease holder's first share round for the namespace (≤ 250 ms after
        // it sees it): a hook called before that is throttled and makes no demand that would scale the function up.
        ShareKey account = ShareKey.unreserved("default");
        eventually().until(() -> limits.uses().stream().anyMatch(use -> use.key().equals(account) && use.share() > 0));
        CompletableFuture<HttpResponse<String>> call = get(EdgeHosts.id("default", "site"), "/echo?from=cluster");
        eventually().until(() -> deployment() != null && deployment().getSpec().getReplicas() == 1);
        try (PlayedPod pod = PlayedPod.start(client, "stamp", "1", "stamp-v1-7d4f-q2w9e", STAMP)) {
            HttpResponse<String> response = call.get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Stamp")).as("the viewer-response function ran")
                    .contains("cluster");
            assertThat(JSON.readTree(response.body()).get("query").asText()).as("the origin answered")
                    .isEqualTo("from=cluster");
        }
    }

    private static Distribution distribution(String name, String origin, String version) {
        return Fixtures.YAML.unmarshal("""
                apiVersion: lamina.dev/v1alpha1
                kind: Distribution
                metadata: {name: %s, namespace: default}
                spec:
                  origins: [{id: origin, url: "%s"}]
                  defaultCacheBehavior:
                    targetOriginId: origin
                    originRequestPolicy: AllViewer
                    lambdaFunctionAssociations:
                      - {eventType: viewer-response, function: stamp, functionVersion: "%s"}
                """.formatted(name, origin, version), Distribution.class);
    }

    private Condition ready(String distribution) {
        Distribution d = client.resources(Distribution.class).inNamespace("default").withName(distribution).get();
        return d == null || d.getStatus() == null || d.getStatus().conditions() == null ? null
                : d.getStatus().conditions().stream().filter(c -> c.type().equals("Ready")).findFirst().orElse(null);
    }

    private Deployment deployment() {
        return client.apps().deployments().inNamespace("default").withName("stamp-v1").get();
    }

    private static CompletableFuture<HttpResponse<String>> get(String distributionId, String pathAndQuery) {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        return HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + EdgeHosts.PATH_PREFIX + distributionId + pathAndQuery))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static org.awaitility.core.ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions();
    }
}
