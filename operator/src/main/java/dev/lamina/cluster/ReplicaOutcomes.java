package dev.lamina.cluster;

import dev.lamina.deployments.OutcomeSource;
import dev.lamina.deployments.Outcomes;
import dev.lamina.gateway.OutcomeReport;
import dev.lamina.gateway.OutcomesApi;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A version's outcomes on every gateway replica of the cluster: the replicas are the running pods matching a label
 * selector in a namespace, each asked {@code GET /lamina/v1/outcomes} for the version at once. A replica that does
 * not answer in time is left out of this reading; as its counters are cumulative, the deployment sees what it counted
 * meanwhile on the next reading that reaches it. Blocks the calling thread until every replica answered or timed out.
 */
public final class ReplicaOutcomes implements OutcomeSource, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReplicaOutcomes.class);
    private static final Duration CONNECT_WITHIN = Duration.ofSeconds(1);
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);
    private final KubernetesClient client;
    private final String namespace;
    private final String selector;
    private final int defaultPort;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;

    /**
     * @param namespace   where the gateway pods run
     * @param selector    their label selector, e.g. {@code app.kubernetes.io/name=lamina}
     * @param defaultPort their HTTP port when a pod names none {@value GatewayPods#HTTP_PORT_NAME}
     */
    public ReplicaOutcomes(KubernetesClient client, String namespace, String selector, int defaultPort) {
        this.client = client;
        this.namespace = namespace;
        this.selector = selector;
        this.defaultPort = defaultPort;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_WITHIN).executor(threads).build();
    }

    @Override
    public Map<String, Outcomes> outcomes(String namespace, String function, String version) {
        String query = "?namespace=" + encode(namespace) + "&function=" + encode(function) + "&version="
                + encode(version);
        List<CompletableFuture<Optional<OutcomeReport>>> asked = replicas().stream()
                .map(base -> ask(base.resolve(OutcomesApi.PATH + query)))
                .toList();
        Map<String, Outcomes> byReplica = new HashMap<>();
        for (CompletableFuture<Optional<OutcomeReport>> answer : asked) {
            answer.join().ifPresent(report -> byReplica.put(report.instance(), report.versions().stream()
                    .filter(v -> v.namespace().equals(namespace) && v.function().equals(function)
                            && v.version().equals(version))
                    .map(OutcomeReport.VersionOutcomes::outcomes)
                    .findFirst().orElse(Outcomes.NONE)));
        }
        return byReplica;
    }

    /** The base URI of every running gateway pod with an IP. */
    private List<URI> replicas() {
        return List.copyOf(GatewayPods.running(
                client.pods().inNamespace(namespace).withLabelSelector(selector).list().getItems(), defaultPort)
                .values());
    }

    private CompletableFuture<Optional<OutcomeReport>> ask(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(ANSWER_WITHIN).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("HTTP " + response.statusCode());
                    }
                    return Optional.of(OutcomeReport.fromJson(response.body()));
                })
                .orTimeout(2 * ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(failure -> {
                    LOG.debugf("gateway replica %s left out of this reading: %s", uri, failure.getMessage());
                    return Optional.empty();
                });
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.close();
        threads.close();
    }
}
