package dev.lamina.cluster;

import dev.lamina.gateway.SharesApi;
import dev.lamina.scaling.ConcurrencyLimits;
import dev.lamina.scaling.ShareKey;
import dev.lamina.scaling.ShareLedger;
import dev.lamina.scaling.ShareUse;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * The Lease holder's side of shared concurrency limits: every {@link #PERIOD} it runs a {@link ShareLedger} round
 * over the gateway pods (an informer keeps them), each replica reached on {@code PUT /lamina/v1/shares}, and itself
 * (its pod, named by {@code HOSTNAME}, or no pod at all) directly. A replica
 * that takes the Lease starts a new ledger; one that loses it stops sending, and the shares it granted lapse after
 * {@link #VALID} unless the new holder renews them.
 */
final class ConcurrencyShares implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConcurrencyShares.class);
    /** How often shares follow demand: a replica short of share refuses calls for about this long. */
    static final Duration PERIOD = Duration.ofMillis(250);
    /**
     * How long a share stays in force without renewal: a controller lost for longer leaves every replica with none.
     * Longer than a Lease takeover (JOSDK's 15 s lease, then a round), so a failover throttles no call.
     */
    static final Duration VALID = Duration.ofSeconds(30);
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);

    private final ConcurrencyLimits own;
    private final String self;
    private final BooleanSupplier leads;
    private final int defaultPort;
    private final SharedIndexInformer<Pod> pods;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;
    private volatile Map<String, URI> replicas = Map.of();
    private volatile boolean closed;

    /**
     * @param namespace   where the gateway pods run
     * @param selector    their label selector
     * @param defaultPort their HTTP port when a pod names none
     * @param own         this replica's limits
     * @param self        this replica's pod name
     * @param leads       whether this replica holds the Lease now
     */
    ConcurrencyShares(KubernetesClient client, String namespace, String selector, int defaultPort,
                      ConcurrencyLimits own, String self, BooleanSupplier leads) {
        this.own = own;
        this.self = self;
        this.leads = leads;
        this.defaultPort = defaultPort;
        this.http = HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).executor(threads).build();
        this.pods = client.pods().inNamespace(namespace).withLabelSelector(selector).inform();
        threads.submit(this::run);
    }

    private void run() {
        ShareLedger ledger = null;
        while (!closed) {
            try {
                if (!leads.getAsBoolean()) {
                    ledger = null;
                } else {
                    if (ledger == null) {
                        ledger = new ShareLedger(VALID.toNanos());
                    }
                    replicas = GatewayPods.running(pods.getStore().list(), defaultPort);
                    Set<String> all = new HashSet<>(replicas.keySet());
                    all.add(self);
                    ledger.round(all, this::exchange, ANSWER_WITHIN.toNanos());
                }
            } catch (RuntimeException failed) {
                LOG.warnf(failed, "a round of concurrency shares failed");
            }
            try {
                Thread.sleep(PERIOD);
            } catch (InterruptedException stop) {
                return;
            }
        }
    }

    private CompletionStage<List<ShareUse>> exchange(String replica, Map<ShareKey, Integer> shares,
                                                     long validNanos) {
        if (replica.equals(self)) {
            return CompletableFuture.completedFuture(shares == null ? own.uses() : own.grant(shares, validNanos));
        }
        URI base = replicas.get(replica);
        HttpRequest request = HttpRequest.newBuilder(base.resolve(SharesApi.PATH)).timeout(ANSWER_WITHIN)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(SharesApi.request(shares, validNanos).encode()))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode() + " from " + replica);
            }
            return SharesApi.parseUses(new JsonObject(response.body()));
        }).exceptionallyCompose(failed -> {
            LOG.debugf("gateway replica %s kept its shares this round: %s", replica, failed.getMessage());
            return CompletableFuture.failedFuture(failed);
        });
    }

    /** Whether {@code address} is a gateway pod's (only they exchange shares). */
    boolean isGatewayPod(String address) {
        InetAddress caller = literal(address);
        return caller != null && pods.getStore().list().stream()
                .map(pod -> pod.getStatus() == null ? null : literal(pod.getStatus().getPodIP()))
                .anyMatch(caller::equals);
    }

    private static InetAddress literal(String ip) {
        // Literals only: a name would be looked up in DNS.
        if (ip == null || ip.isEmpty()
                || !(ip.contains(":") || ip.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            return null;
        }
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException notAnAddress) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        pods.close();
        threads.shutdownNow();
        http.close();
    }
}
