package dev.lamina.bench;

import dev.lamina.api.Function;
import dev.lamina.api.FunctionVersion;
import dev.lamina.controller.ControllerSettings;
import dev.lamina.controller.MockCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Applies N Functions (default 500) to the operator running against the mock API server, then changes every one of
 * them, and prints how long the operator took to reconcile each wave (every Function observed, its versions published
 * and its Deployments created) and the heap in use. The heap is the whole JVM's: operator and mock API server.
 */
public final class FunctionReconcileBenchmark {
    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static final Duration LIMIT = Duration.ofMinutes(Long.getLong("bench.minutes", 10));

    private FunctionReconcileBenchmark() {
    }

    public static void main(String[] args) {
        try {
            run(args.length > 0 ? Integer.parseInt(args[0]) : 500);
            System.exit(0);
        } catch (Exception | Error failed) {
            // Informer and HTTP threads would keep the JVM alive after a failure.
            failed.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(int count) throws Exception {
        long heapBefore = usedHeapAfterGc();
        String report;
        int requests;
        try (MockCluster cluster = MockCluster.start(ControllerSettings.defaults());
             ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            KubernetesClient client = cluster.client();
            String ns = cluster.newNamespace("bench");
            // Watch instead of listing: polling 500 Functions would load the API server more than the operator does.
            var functions = client.resources(Function.class).inNamespace(ns).inform();
            var versions = client.resources(FunctionVersion.class).inNamespace(ns).inform();
            var deployments = client.apps().deployments().inNamespace(ns).inform();
            long heapStarted = usedHeapAfterGc();
            cluster.operatorRequests();

            long start = System.nanoTime();
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Function function = function(ns, i, 128);
                writes.add(writers.submit(() -> client.resource(function).create()));
            }
            awaitAll(writes);
            waitFor(() -> allObserved(functions.getStore().list(), count, "1")
                    && versions.getStore().list().size() == count && deployments.getStore().list().size() == 2 * count,
                    () -> progress(client, ns));
            Duration created = Duration.ofNanos(System.nanoTime() - start);
            int createRequests = cluster.operatorRequests().size();
            long heapCreated = usedHeapAfterGc();

            start = System.nanoTime();
            writes.clear();
            List<Function> current = client.resources(Function.class).inNamespace(ns).list().getItems();
            for (Function function : current) {
                Function changed = function(ns, Integer.parseInt(function.getMetadata().getName().substring(3)), 256);
                function.setSpec(changed.getSpec());
                function.getMetadata().setResourceVersion(null);
                writes.add(writers.submit(() -> client.resource(function).update()));
            }
            awaitAll(writes);
            waitFor(() -> allObserved(functions.getStore().list(), count, "2")
                    && versions.getStore().list().size() == 2 * count
                    && deployments.getStore().list().size() == 3 * count, () -> progress(client, ns));
            Duration updated = Duration.ofNanos(System.nanoTime() - start);
            int updateRequests = cluster.operatorRequests().size();
            long heapUpdated = usedHeapAfterGc();

            requests = createRequests;
            report = """
                    Function reconcile benchmark (operator + fabric8 mock API server in one JVM)
                      processors                         %d
                      functions                          %d
                      create -> published + deployed      %d ms  (%.0f functions/s; %d FunctionVersions, %d Deployments;
                                                          %d operator API requests, %.1f per function)
                      change all -> version 2 deployed    %d ms  (%.0f functions/s; %d Deployments;
                                                          %d operator API requests, %.1f per function)
                      heap in use after GC: before start %d MB, operator started %d MB, after create %d MB, after change %d MB
                    """.formatted(Runtime.getRuntime().availableProcessors(), count,
                    created.toMillis(), count * 1000.0 / created.toMillis(), count, 2 * count,
                    createRequests, createRequests / (double) count,
                    updated.toMillis(), count * 1000.0 / updated.toMillis(), 3 * count,
                    updateRequests, updateRequests / (double) count,
                    mb(heapBefore), mb(heapStarted), mb(heapCreated), mb(heapUpdated));
        }
        System.out.print(report);
        System.out.printf("  for scale: the mock API server alone takes %d ms for as many creates (%d ConfigMaps)%n",
                mockServerAlone(requests).toMillis(), requests);
    }

    /** The same number of writes against a fresh mock API server, with nothing reconciling. */
    private static Duration mockServerAlone(int writes) throws InterruptedException {
        try (MockCluster cluster = MockCluster.start(ControllerSettings.defaults());
             ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            String ns = cluster.newNamespace("baseline");
            long start = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                ConfigMap configMap = new ConfigMapBuilder().withNewMetadata().withName("cm-" + i).withNamespace(ns)
                        .endMetadata().addToData("index", Integer.toString(i)).build();
                writers.submit(() -> cluster.client().resource(configMap).create());
            }
            writers.shutdown();
            writers.awaitTermination(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    private static Function function(String ns, int i, int memory) {
        return YAML.unmarshal("""
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: fn-%d, namespace: %s}
                spec:
                  image: registry.example.com/fn:%d
                  memoryMB: %d
                  environment: {INDEX: "%d"}
                  publish: true
                """.formatted(i, ns, i, memory, i), Function.class);
    }

    /** Every Function's status describes its current generation and names {@code version} as the latest. */
    private static boolean allObserved(List<Function> functions, int count, String version) {
        return functions.size() == count && functions.stream().allMatch(f -> f.getStatus() != null
                && f.getMetadata().getGeneration().equals(f.getStatus().observedGeneration())
                && version.equals(f.getStatus().latestVersion()));
    }

    private static void waitFor(BooleanSupplier done, Supplier<String> progress) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reconciled within " + LIMIT + ": " + progress.get());
            }
            Thread.sleep(100);
        }
    }

    /** Waits for the benchmark's own writes, so one that failed stops the benchmark with its cause. */
    private static void awaitAll(List<Future<?>> writes) throws InterruptedException, ExecutionException {
        for (Future<?> write : writes) {
            write.get();
        }
    }

    /** Where the reconciliation stands, read from the API server. */
    private static String progress(KubernetesClient client, String ns) {
        List<Function> functions = client.resources(Function.class).inNamespace(ns).list().getItems();
        long observed = functions.stream().filter(f -> f.getStatus() != null
                && f.getMetadata().getGeneration().equals(f.getStatus().observedGeneration())).count();
        return functions.size() + " Functions, " + observed + " with their generation observed, "
                + client.resources(FunctionVersion.class).inNamespace(ns).list().getItems().size()
                + " FunctionVersions, " + client.apps().deployments().inNamespace(ns).list().getItems().size()
                + " Deployments; not observed: " + functions.stream().filter(f -> f.getStatus() == null
                || !f.getMetadata().getGeneration().equals(f.getStatus().observedGeneration()))
                .limit(5).map(f -> f.getMetadata().getName() + "=" + f.getStatus()).toList();
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }
}
