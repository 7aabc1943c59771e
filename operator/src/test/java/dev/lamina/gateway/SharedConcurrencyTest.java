package dev.lamina.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lamina.api.FunctionSpec;
import dev.lamina.environments.EnvironmentPool;
import dev.lamina.environments.PoolListener;
import dev.lamina.environments.PoolState;
import dev.lamina.environments.Slot;
import dev.lamina.environments.SlotTable;
import dev.lamina.environments.Transport;
import dev.lamina.environments.VersionRef;
import dev.lamina.scaling.ConcurrencyLimits;
import dev.lamina.scaling.ShareKey;
import dev.lamina.scaling.ShareLedger;
import dev.lamina.scaling.ShareUse;
import dev.lamina.shim.Shim;
import dev.lamina.shim.ShimConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways, each with its own invocation path, limits and slot table, send to the same execution environments
 * (real shims over HTTP, as pods are reached) while a {@link ShareLedger} shares a reserved concurrency of 50 between
 * them: a burst of 1,000 calls runs at most 50 at once in the function, though the environments have more slots, and
 * every other call is answered 429 at once.
 */
@Timeout(90)
class SharedConcurrencyTest {

    private static final int RESERVED = 50;
    private static final int ENVIRONMENTS = 8;
    private static final int SLOTS_PER_ENVIRONMENT = 8;
    private static final int CALLS = 1000;
    private static final String NAMESPACE = "default";
    private static final String FUNCTION = "counted";

    /**
     * A runtime that serves AWS_LAMBDA_MAX_CONCURRENCY invocations at once; each one counts itself in for a second in
     * a file shared by every environment, under a lock, and keeps the most it saw.
     */
    private static final String BOOTSTRAP = """
            #!/bin/bash
            api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
            work() {
              while true; do
                headers=$(mktemp)
                curl -sS -m 60 -D "$headers" -o /dev/null "$api/invocation/next" || exit 1
                id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | tr -d '\\r' | cut -d' ' -f2)
                rm -f "$headers"
                flock "$COUNT_DIR/lock" sh -c 'n=$(( $(cat "$1/now") + 1 )); echo $n > "$1/now";
                  [ $n -gt $(cat "$1/max") ] && echo $n > "$1/max"; echo x >> "$1/runs"' sh "$COUNT_DIR"
                sleep 1
                flock "$COUNT_DIR/lock" sh -c 'echo $(( $(cat "$1/now") - 1 )) > "$1/now"' sh "$COUNT_DIR"
                curl -sS -m 10 -X POST -d '{"ok":true}' "$api/invocation/$id/response" > /dev/null
              done
            }
            for i in $(seq 1 "$AWS_LAMBDA_MAX_CONCURRENCY"); do work & done
            wait
            """;

    @TempDir
    static Path dir;
    private static Path counts;
    private static final List<Shim> shims = new ArrayList<>();
    private static final List<Gateway> gateways = new ArrayList<>();
    private static final AtomicBoolean sharing = new AtomicBoolean(true);
    private static Thread controller;

    @BeforeAll
    static void start() throws Exception {
        for (String tool : List.of("curl", "flock")) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin", tool)), "the test's runtime needs " + tool);
        }
        counts = Files.createDirectories(dir.resolve("counts"));
        Files.writeString(counts.resolve("now"), "0\n");
        Files.writeString(counts.resolve("max"), "0\n");
        Files.writeString(counts.resolve("runs"), "");
        Path bootstrap = dir.resolve("bootstrap");
        Files.writeString(bootstrap, BOOTSTRAP);
        Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwx------"));
        for (int i = 0; i < ENVIRONMENTS; i++) {
            shims.add(Shim.start(ShimConfig.builder().functionName(FUNCTION).invokePort(0)
                    .concurrency(SLOTS_PER_ENVIRONMENT).timeout(Duration.ofSeconds(30))
                    .runtimeCommand(bootstrap.toString()).environment(Map.of("COUNT_DIR", counts.toString()))
                    .logSink(line -> { }).build()));
        }
        for (Shim shim : shims) {
            shim.readyFuture().get(30, TimeUnit.SECONDS);
        }
        gateways.add(new Gateway("gateway-a"));
        gateways.add(new Gateway("gateway-b"));
        ShareLedger ledger = new ShareLedger(TimeUnit.SECONDS.toNanos(5));
        controller = Thread.ofVirtual().start(() -> {
            while (sharing.get()) {
                ledger.round(Set.of("gateway-a", "gateway-b"), (replica, shares, validNanos) -> {
                    ConcurrencyLimits limits = (replica.equals("gateway-a") ? gateways.get(0) : gateways.get(1))
                            .limits;
                    return CompletableFuture.completedFuture(
                            shares == null ? limits.uses() : limits.grant(shares, validNanos));
                }, TimeUnit.SECONDS.toNanos(1));
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        sharing.set(false);
        if (controller != null) {
            controller.join(Duration.ofSeconds(5));
        }
        for (Gateway gateway : gateways) {
            gateway.close();
        }
        for (Shim shim : shims) {
            shim.close();
        }
    }

    @Test
    void aThousandCallsOnTwoGatewaysRunAtMostTheReservedConcurrencyAndTheRestAreThrottledAtOnce() throws Exception {
        ShareKey key = ShareKey.reserved(NAMESPACE, FUNCTION);
        awaitShares(key);

        List<CompletableFuture<InvokeAnswer>> answers = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            Gateway gateway = gateways.get(i % 2);
            answers.add(gateway.invoker.invoke(new InvokeRequest(NAMESPACE, FUNCTION, null, Buffer.buffer("{}"),
                    false, false, null, null, null)).toCompletableFuture());
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        Map<String, Integer> byOutcome = new TreeMap<>();
        for (CompletableFuture<InvokeAnswer> answer : answers) {
            String outcome = switch (answer.join()) {
                case InvokeAnswer.Success s -> "Success";
                case InvokeAnswer.Throttled t -> "429 " + t.reason();
                case InvokeAnswer other -> other.toString();
            };
            byOutcome.merge(outcome, 1, Integer::sum);
        }
        int most = Integer.parseInt(Files.readString(counts.resolve("max")).trim());
        long runs = Files.readAllLines(counts.resolve("runs")).size();
        System.out.printf("%d calls on 2 gateways, reserved %d, %d slots: %s; at most %d at once in the function, "
                + "%d runs%n", CALLS, RESERVED, ENVIRONMENTS * SLOTS_PER_ENVIRONMENT, byOutcome, most, runs);

        assertThat(most).as("invocations at once in the function").isBetween(1, RESERVED);
        assertThat(byOutcome.keySet()).containsOnly("Success",
                "429 " + ConcurrencyLimits.RESERVED_LIMIT_EXCEEDED);
        assertThat(byOutcome.get("Success")).isEqualTo((int) runs);
        assertThat(byOutcome.get("Success") + byOutcome.get("429 " + ConcurrencyLimits.RESERVED_LIMIT_EXCEEDED))
                .isEqualTo(CALLS);
    }

    /** Both gateways hold a share before the burst: a gateway starting without one refuses until granted. */
    private static void awaitShares(ShareKey key) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gateways.stream().anyMatch(g -> share(g, key) == 0)) {
            assertThat(System.nanoTime() - deadline).as("both gateways hold a share").isNegative();
            Thread.sleep(20);
        }
    }

    private static int share(Gateway gateway, ShareKey key) {
        return gateway.limits.uses().stream().filter(u -> u.key().equals(key)).mapToInt(ShareUse::share)
                .findFirst().orElse(0);
    }

    /** One gateway replica's invocation path, with its own limits and its own slot table over the shared shims. */
    private static final class Gateway {
        final Vertx vertx = Vertx.vertx();
        final ConcurrencyLimits limits = ConcurrencyLimits.shared(1000, System::nanoTime);
        final Catalog catalog;
        final GatewayInvoker invoker;

        Gateway(String name) throws Exception {
            // Quarkus' converter reads the defaults' durations ("10s") as the application does.
            GatewayConfig config = new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                    .withConverter(Duration.class, 100, new DurationConverter())
                    .withDefaultValue("lamina.gateway.max-slot-wait", "5s").build()
                    .getConfigMapping(GatewayConfig.class);
            GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry());
            Accounts accounts = new Accounts(NAMESPACE, "000000000000");
            catalog = new Catalog(config, metrics, accounts, limits);
            FunctionSpec spec = new YAMLMapper().readValue("""
                    image: counted:1
                    timeoutSeconds: 30
                    concurrency:
                      reserved: %d
                    """.formatted(RESERVED), FunctionSpec.class);
            VersionRef ref = new VersionRef(NAMESPACE, FUNCTION, "$LATEST");
            DeployedVersion latest = catalog.deploy(ref, new VersionInfo("$LATEST", spec, "counted:1", null, 0, null,
                    Instant.now(), VersionState.ACTIVE), new SharedEnvironments(ref));
            catalog.put(new FunctionEntry(NAMESPACE, FUNCTION, spec, latest, new TreeMap<>(), Map.of(), null));
            invoker = new GatewayInvoker(catalog, config, metrics, new OutcomeCounters(), accounts, vertx);
        }

        void close() throws Exception {
            invoker.close();
            catalog.shutdown();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The shared shims as one gateway's pool sees them, as {@code PodEnvironmentPool} does: its own slot table, over
     * HTTP, not the only sender (a busy shim means another slot).
     */
    private static final class SharedEnvironments implements EnvironmentPool {
        private final VersionRef ref;
        private volatile PoolListener listener = PoolListener.NONE;
        private final SlotTable<Shim> table = new SlotTable<>(System::nanoTime, () -> listener.slotsAvailable(),
                false);

        SharedEnvironments(VersionRef ref) {
            this.ref = ref;
            shims.forEach(s -> table.add(s, new Transport.Http(s.invokeAddress()), SLOTS_PER_ENVIRONMENT, true));
        }

        @Override
        public VersionRef version() {
            return ref;
        }

        @Override
        public int slotsPerEnvironment() {
            return SLOTS_PER_ENVIRONMENT;
        }

        @Override
        public Optional<Slot> tryAcquire() {
            return table.tryAcquire();
        }

        @Override
        public void scaleTo(int environments, int provisioned) {
            // The environments are the test's, shared by both gateways: they neither grow nor shrink.
        }

        @Override
        public PoolState state() {
            return new PoolState(table.size(), table.readyCount(), table.inFlight(), SLOTS_PER_ENVIRONMENT);
        }

        @Override
        public void listener(PoolListener listener) {
            this.listener = listener == null ? PoolListener.NONE : listener;
        }

        @Override
        public void close() {
            table.removeAll();
        }
    }
}
