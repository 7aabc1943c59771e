package dev.lamina.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lamina.gateway.SharesApi;
import dev.lamina.scaling.ConcurrencyLimits;
import dev.lamina.scaling.ShareKey;
import dev.lamina.scaling.ShareUse;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Lease holder's share rounds over HTTP: two gateway replicas on loopback serve {@code PUT /lamina/v1/shares} as
 * the gateway does, found as pods of a mock API server; the holder counts itself in directly.
 */
@Timeout(60)
class ConcurrencySharesTest {

    private static final String NAMESPACE = "lamina-system";
    private static final ShareKey F = ShareKey.reserved("shop", "orders");

    private KubernetesMockServer server;
    private KubernetesClient client;
    private final Vertx vertx = Vertx.vertx();

    @BeforeEach
    void apiServer() {
        server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
                new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client.close();
        server.destroy();
    }

    @Test
    void everyReplicaGetsAShareAndTogetherTheyNeverExceedTheLimit() throws Exception {
        ConcurrencyLimits own = limits();
        ConcurrencyLimits a = limits();
        ConcurrencyLimits b = limits();
        SharesApi apiOfA = new SharesApi(a);
        SharesApi apiOfB = new SharesApi(b);
        pod("lamina-a", serve(apiOfA));
        pod("lamina-b", serve(apiOfB));

        try (ConcurrencyShares shares = new ConcurrencyShares(client, NAMESPACE, "app.kubernetes.io/name=lamina", 1,
                own, "lamina-self", () -> true)) {
            apiOfA.acceptFrom(shares::isGatewayPod);
            apiOfB.acceptFrom(shares::isGatewayPod);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() ->
                    share(own) > 0 && share(a) > 0 && share(b) > 0);
            assertThat(share(own) + share(a) + share(b)).isLessThanOrEqualTo(30);
            assertThat(shares.isGatewayPod("127.0.0.1")).isTrue();
            assertThat(shares.isGatewayPod("10.1.2.3")).as("not a gateway pod").isFalse();
            assertThat(shares.isGatewayPod("example.com")).as("a name is not looked up").isFalse();
        }
    }

    @Test
    void onlyGatewayPodsMayExchangeShares() throws Exception {
        SharesApi api = new SharesApi(limits());
        int port = serve(api);
        URI uri = URI.create("http://127.0.0.1:" + port + SharesApi.PATH);
        HttpRequest put = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .PUT(HttpRequest.BodyPublishers.ofString(SharesApi.request(Map.of(F, 30), 5_000_000_000L).encode()))
                .build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            assertThat(http.send(put, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
            api.acceptFrom("127.0.0.1"::equals);
            HttpResponse<String> granted = http.send(put, HttpResponse.BodyHandlers.ofString());
            assertThat(granted.statusCode()).isEqualTo(200);
            assertThat(SharesApi.parseUses(new io.vertx.core.json.JsonObject(granted.body())))
                    .contains(new ShareUse(F, 30, 30, 0, 0));
        }
        SharesApi whole = new SharesApi(new ConcurrencyLimits(1000));
        whole.acceptFrom(address -> true);
        URI wholeUri = URI.create("http://127.0.0.1:" + serve(whole) + SharesApi.PATH);
        try (HttpClient http = HttpClient.newHttpClient()) {
            assertThat(http.send(HttpRequest.newBuilder(wholeUri).timeout(Duration.ofSeconds(5))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"shares\":null}")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).as("limits counted whole").isEqualTo(409);
        }
    }

    /** One replica's limits, with the function of reserved concurrency 30. */
    private static ConcurrencyLimits limits() {
        ConcurrencyLimits limits = ConcurrencyLimits.shared(1000, System::nanoTime);
        limits.account(F.namespace()).function(F.function(), 30);
        return limits;
    }

    private static int share(ConcurrencyLimits limits) {
        return limits.uses().stream().filter(u -> u.key().equals(F)).mapToInt(ShareUse::share).findFirst()
                .orElse(0);
    }

    private int serve(SharesApi api) throws Exception {
        Router router = Router.router(vertx);
        api.routes(router);
        HttpServer http = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return http.actualPort();
    }

    private void pod(String name, int port) {
        Pod pod = client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .withLabels(Map.of("app.kubernetes.io/name", "lamina")).endMetadata().withNewSpec()
                .addNewContainer().withName("lamina").withImage("lamina").addNewPort()
                .withName(GatewayPods.HTTP_PORT_NAME).withContainerPort(port).endPort().endContainer().endSpec()
                .build()).create();
        pod.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("127.0.0.1").build());
        client.resource(pod).updateStatus();
    }
}
