package dev.lamina.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.lamina.deployments.Outcomes;
import dev.lamina.gateway.OutcomeCounters;
import dev.lamina.gateway.OutcomesApi;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A version's outcomes summed over the gateway replicas of a cluster: two replicas on loopback serve what their
 * counters counted, as the gateway's endpoint does; the replicas are pods of a mock API server, each naming its port.
 */
@Timeout(60)
class ReplicaOutcomesTest {

    private static final String NAMESPACE = "lamina-system";
    private static final Map<String, String> GATEWAY = Map.of("app.kubernetes.io/name", "lamina");

    private KubernetesMockServer server;
    private KubernetesClient client;
    private final List<HttpServer> replicas = new ArrayList<>();
    private final List<URI> asked = new CopyOnWriteArrayList<>();

    @BeforeEach
    void apiServer() {
        server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
                new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    @AfterEach
    void close() {
        replicas.forEach(r -> r.stop(0));
        client.close();
        server.destroy();
    }

    @Test
    void eachRunningReplicaIsAskedForTheVersionAndAnsweredUnderItsInstanceId() throws Exception {
        OutcomeCounters first = new OutcomeCounters();
        first.version("shop", "orders", "2").answered(millis(4), false, false);
        first.version("shop", "orders", "2").answered(millis(300), true, false);
        first.version("shop", "orders", "1").answered(millis(4), false, false);
        OutcomeCounters second = new OutcomeCounters();
        second.version("shop", "orders", "2").answered(millis(40), false, true);
        second.version("shop", "orders", "2").throttled();
        OutcomeCounters idle = new OutcomeCounters();

        pod("lamina-a", GATEWAY, "Running", serve(first));
        pod("lamina-b", GATEWAY, "Running", serve(second));
        pod("lamina-c", GATEWAY, "Running", serve(idle));
        pod("lamina-starting", GATEWAY, "Pending", serve(new OutcomeCounters()));
        pod("someone-else", Map.of("app.kubernetes.io/name", "other"), "Running", serve(new OutcomeCounters()));

        try (ReplicaOutcomes outcomes = new ReplicaOutcomes(client, NAMESPACE, "app.kubernetes.io/name=lamina",
                1)) {
            Map<String, Outcomes> read = outcomes.outcomes("shop", "orders", "2");

            assertThat(read).containsOnlyKeys(first.instanceId(), second.instanceId(), idle.instanceId());
            assertThat(read.get(first.instanceId())).isEqualTo(first.of("shop", "orders", "2"));
            assertThat(read.get(second.instanceId())).isEqualTo(second.of("shop", "orders", "2"));
            assertThat(read.get(idle.instanceId())).isEqualTo(Outcomes.NONE);
            Outcomes sum = read.values().stream().reduce(Outcomes.NONE, Outcomes::plus);
            assertThat(List.of(sum.invocations(), sum.functionErrors(), sum.platformErrors(), sum.throttles()))
                    .containsExactly(3L, 1L, 1L, 1L);
        }
        assertThat(asked).hasSize(3).allSatisfy(uri -> {
            assertThat(uri.getPath()).isEqualTo(OutcomesApi.PATH);
            assertThat(query(uri)).isEqualTo(Map.of("namespace", "shop", "function", "orders", "version", "2"));
        });
    }

    @Test
    void aReplicaThatDoesNotAnswerIsLeftOutOfTheReading() throws Exception {
        OutcomeCounters answering = new OutcomeCounters();
        answering.version("shop", "orders", "$LATEST").answered(millis(1), false, false);
        pod("lamina-a", GATEWAY, "Running", serve(answering));
        pod("lamina-gone", GATEWAY, "Running", closedPort());
        pod("lamina-broken", GATEWAY, "Running", serveText("<html>not a gateway</html>"));

        try (ReplicaOutcomes outcomes = new ReplicaOutcomes(client, NAMESPACE, "app.kubernetes.io/name=lamina",
                1)) {
            Map<String, Outcomes> read = outcomes.outcomes("shop", "orders", "$LATEST");
            assertThat(read).containsOnlyKeys(answering.instanceId());
            assertThat(read.get(answering.instanceId()).invocations()).isEqualTo(1);
        }
    }

    /** A replica serving its counters' report as the gateway's endpoint does, filtered by the query. */
    private int serve(OutcomeCounters counters) throws IOException {
        return start(exchange -> {
            asked.add(exchange.getRequestURI());
            Map<String, String> query = query(exchange.getRequestURI());
            return counters.report(query.get("namespace"), query.get("function"), query.get("version")).toJson();
        });
    }

    private int serveText(String body) throws IOException {
        return start(exchange -> body);
    }

    @FunctionalInterface
    private interface Answer {
        String body(com.sun.net.httpserver.HttpExchange exchange);
    }

    private int start(Answer answer) throws IOException {
        HttpServer replica = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        replica.createContext(OutcomesApi.PATH, exchange -> {
            byte[] body = answer.body(exchange).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        replica.start();
        replicas.add(replica);
        return replica.getAddress().getPort();
    }

    /** A loopback port nothing listens on (any more). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void pod(String name, Map<String, String> labels, String phase, int port) {
        Pod pod = client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .withLabels(labels).endMetadata().withNewSpec().addNewContainer().withName("lamina")
                .withImage("lamina").addNewPort().withName(GatewayPods.HTTP_PORT_NAME).withContainerPort(port)
                .endPort().endContainer().endSpec().build()).create();
        pod.setStatus(new PodStatusBuilder().withPhase(phase).withPodIP("127.0.0.1").build());
        client.resource(pod).updateStatus();
    }

    private static Map<String, String> query(URI uri) {
        return Arrays.stream(uri.getRawQuery().split("&")).map(p -> p.split("=", 2)).collect(Collectors.toMap(
                p -> p[0], p -> URLDecoder.decode(p.length > 1 ? p[1] : "", StandardCharsets.UTF_8)));
    }

    private static long millis(long millis) {
        return millis * 1_000_000;
    }
}
