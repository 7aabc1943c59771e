package dev.lamina.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lamina.api.Alias;
import dev.lamina.api.AliasStatus;
import dev.lamina.controller.Fixtures;
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
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PutLifecycleEventHookExecutionStatus on the gateway in cluster mode, on a mock API server: a hook's report lands on
 * the Alias whose deployment waits for it, as an annotation, once; reports the deployment does not wait for get
 * CodeDeploy's errors.
 */
@QuarkusTest
@TestProfile(ClusterGatewayTest.ClusterMode.class)
@WithKubernetesTestServer(crud = true)
@Timeout(120)
class AliasHookReportsTest {

    private static HttpClient http;

    @Inject
    KubernetesClient client;

    @BeforeAll
    static void httpClient() {
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void closeHttp() {
        http.close();
    }

    @Test
    void aReportIsRecordedOnTheAliasOnceAndASecondOneIsAlreadyCompleted() throws Exception {
        String deployment = deploymentId();
        Alias alias = aliasWithDeployment("hooked", deployment, "PreTraffic", "pre-1");

        HttpResponse<String> accepted = reportOnceSeen(deployment, "pre-1", "Succeeded");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.body()).isEqualTo("{\"lifecycleEventHookExecutionId\":\"pre-1\"}");
        Alias recorded = client.resource(alias).get();
        assertThat(recorded.getMetadata().getAnnotations())
                .containsEntry(AliasHookReports.ANNOTATION_PREFIX + "pre-1", "Succeeded");
        assertThat(recorded.getStatus().deployment().phase()).isEqualTo("PreTraffic");

        assertError(report(deployment, "pre-1", "Failed"), "LifecycleEventAlreadyCompletedException");
        assertThat(client.resource(alias).get().getMetadata().getAnnotations())
                .containsEntry(AliasHookReports.ANNOTATION_PREFIX + "pre-1", "Succeeded");
    }

    @Test
    void reportsTheDeploymentDoesNotWaitForAreRefused() throws Exception {
        String shifting = deploymentId();
        Alias moved = aliasWithDeployment("moved-on", shifting, "Shifting", "pre-1");
        String waiting = deploymentId();
        Alias post = aliasWithDeployment("waiting", waiting, "PostTraffic", "post-1");

        assertError(reportOnceSeen(shifting, "pre-1", "Succeeded"), "LifecycleEventAlreadyCompletedException");
        assertError(reportOnceSeen(waiting, "pre-1", "Succeeded"), "InvalidLifecycleEventHookExecutionIdException");
        assertError(report(deploymentId(), "post-1", "Succeeded"), "DeploymentDoesNotExistException");
        assertThat(client.resource(moved).get().getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(client.resource(post).get().getMetadata().getAnnotations()).isNullOrEmpty();

        assertThat(report(waiting, "post-1", "Failed").statusCode()).isEqualTo(200);
        assertThat(client.resource(post).get().getMetadata().getAnnotations())
                .containsEntry(AliasHookReports.ANNOTATION_PREFIX + "post-1", "Failed");
    }

    /**
     * An Alias in a new namespace whose deployment (status) is in the given phase, waiting for a hook. The deployment
     * is written once the alias's reconciler has reported on it, as the controller's deployments do.
     */
    private Alias aliasWithDeployment(String function, String deploymentId, String phase, String hookExecutionId) {
        String namespace = "hooks-" + UUID.randomUUID().toString().substring(0, 8);
        Alias created = client.resource(Fixtures.alias(namespace, function, "live", "1")).create();
        Alias reconciled = await().atMost(Duration.ofSeconds(30)).until(() -> client.resource(created).get(),
                a -> a.getStatus() != null && a.getStatus().conditions() != null);
        AliasStatus status = reconciled.getStatus();
        reconciled.setStatus(new AliasStatus(status.observedGeneration(), status.conditions(), status.routing(),
                status.weights(), new AliasStatus.DeploymentStatus(phase, deploymentId, "1", "2", 0.0, 0,
                "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", null, hookExecutionId, null, null, 1L), status.functionUrl()));
        return client.resource(reconciled).updateStatus();
    }

    /** Reports until the gateway's informer has seen the deployment (bounded), and returns the first other answer. */
    private static HttpResponse<String> reportOnceSeen(String deployment, String execution, String status) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> report(deployment, execution, status),
                        r -> !r.body().contains("DeploymentDoesNotExistException"));
    }

    private static HttpResponse<String> report(String deployment, String execution, String status)
            throws Exception {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus")
                .POST(HttpRequest.BodyPublishers.ofString("{\"deploymentId\":\"" + deployment
                        + "\",\"lifecycleEventHookExecutionId\":\"" + execution + "\",\"status\":\"" + status + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> answer, String type) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(answer.body()).startsWith("{\"__type\":\"" + type + "\"");
    }

    private static String deploymentId() {
        return "d-" + UUID.randomUUID().toString().replace("-", "").substring(0, 9).toUpperCase();
    }
}
