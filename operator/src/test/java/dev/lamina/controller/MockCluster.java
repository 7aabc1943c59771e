package dev.lamina.controller;

import dev.lamina.api.Alias;
import dev.lamina.api.EventSourceMapping;
import dev.lamina.api.Function;
import dev.lamina.api.FunctionVersion;
import dev.lamina.async.AsyncFunction;
import dev.lamina.async.AttemptOutcome;
import dev.lamina.async.IntakeResult;
import dev.lamina.cluster.LeaderSources;
import dev.lamina.cluster.StatusCheckpointStore;
import dev.lamina.cluster.StatusTickStore;
import dev.lamina.deployments.HookInvoker;
import dev.lamina.deployments.OutcomeSource;
import dev.lamina.deployments.VersionReadiness;
import dev.lamina.sources.SourceCollaborators;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A Kubernetes API (the fabric8 mock server in CRUD mode, on loopback) with Lamina's reconcilers running against it.
 * The mock server has no server-side apply, no controllers and no garbage collector, so the operator runs with SSA
 * off (as in production) and tests play the Deployment controller and the garbage collector where they need them.
 */
public final class MockCluster implements AutoCloseable {
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final String OPERATOR_AGENT = "lamina-operator-under-test";

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final KubernetesClient operatorClient;
    private Operator operator;
    private final LeaderSources sources;
    private final List<String> queued;
    private final List<String> invoked;
    private final ControllerSettings settings;
    private final AliasCollaborators aliases;
    private final MappingStates states;

    private MockCluster(KubernetesMockServer server, KubernetesClient client, KubernetesClient operatorClient,
                        Operator operator, LeaderSources sources, List<String> queued, List<String> invoked,
                        ControllerSettings settings, AliasCollaborators aliases, MappingStates states) {
        this.settings = settings;
        this.aliases = aliases;
        this.states = states;
        this.server = server;
        this.client = client;
        this.operatorClient = operatorClient;
        this.operator = operator;
        this.sources = sources;
        this.queued = queued;
        this.invoked = invoked;
    }

    /**
     * Starts an API server and an operator running {@link FunctionReconciler}, {@link AliasReconciler} and
     * {@link EventSourceMappingReconciler}, leading: its event sources are polled (see {@link #sources}).
     */
    public static MockCluster start(ControllerSettings settings) {
        return start(settings, AliasCollaborators.IDLE);
    }

    /**
     * What the alias reconciler's deployments see of the gateways: whether a version is ready, every replica's
     * counts, and what invoking a hook does.
     */
    public record AliasCollaborators(VersionReadiness readiness, OutcomeSource outcomes, HookInvoker hooks) {
        /** Every version ready, no invocations counted, hooks that run and report nothing. */
        static final AliasCollaborators IDLE = new AliasCollaborators(
                (ns, function, version) -> new VersionReadiness.Readiness(true, null),
                (ns, function, version) -> Map.of(), (ns, function, event) -> Optional.empty());
    }

    /** A cluster whose alias reconciler's deployments see the gateways through {@code aliases}. */
    public static MockCluster start(ControllerSettings settings, AliasCollaborators aliases) {
        // One map of expectations for the server and its dispatcher: expect() answers before CRUD (see server()).
        Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        var server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
                expectations, new KubernetesMixedDispatcher(expectations), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        for (Class<? extends CustomResource<?, ?>> kind : List.of(Function.class, FunctionVersion.class, Alias.class,
                EventSourceMapping.class)) {
            server.expectCustomResource(statusSubresource(kind));
        }
        KubernetesClient client = server.createClient();
        // The operator's own client, told apart from the test's by its user agent (see operatorRequests).
        KubernetesClient operatorClient = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(OPERATOR_AGENT).build())
                .build();
        MappingStates states = new MappingStates();
        Operator operator = operator(operatorClient, settings, aliases, states);
        List<String> queued = new CopyOnWriteArrayList<>();
        List<String> invoked = new CopyOnWriteArrayList<>();
        LeaderSources sources = sources(operatorClient, states, queued, invoked);
        sources.lead();
        return new MockCluster(server, client, operatorClient, operator, sources, queued, invoked, settings, aliases,
                states);
    }

    /** Starts an operator with new reconcilers (nothing remembered from an earlier one). */
    private static Operator operator(KubernetesClient operatorClient, ControllerSettings settings,
                                     AliasCollaborators aliases, MappingStates states) {
        Operator operator = new Operator(o -> o
                .withKubernetesClient(operatorClient)
                .withCloseClientOnStop(false)
                // The mock server cannot apply: create/update dependents and patch status with JSON patches.
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .withUseSSAToPatchPrimaryResource(false)
                .withStopOnInformerErrorDuringStartup(true));
        List<Reconciler<?>> reconcilers = List.of(new FunctionReconciler(settings),
                new AliasReconciler(settings, aliases.readiness(), aliases.outcomes(), aliases.hooks(),
                        new SimpleMeterRegistry()),
                new EventSourceMappingReconciler(states));
        reconcilers.forEach(r -> operator.register((Reconciler) r));
        operator.start();
        return operator;
    }

    /**
     * A controller failover: this operator stops and a new one, with new reconcilers, takes over; it knows only what
     * the cluster holds.
     */
    public void failOver() {
        operator.stop();
        operator = operator(operatorClient, settings, aliases, states);
    }

    /**
     * Event sources as the Lease holder runs them, against this API server, with a gateway that finds the Functions
     * of the cluster and records what would be queued for them and what it invoked them with (as
     * {@code namespace/function payload}); every invocation succeeds.
     */
    private static LeaderSources sources(KubernetesClient client, MappingStates states, List<String> queued,
                                         List<String> invoked) {
        return new LeaderSources(client, new SourceCollaborators(
                ref -> Optional.ofNullable(client.resources(Function.class).inNamespace(ref.namespace())
                        .withName(ref.name()).get()).map(f -> new AsyncFunction("arn:aws:lambda:us-east-1:"
                        + "000000000000:function:" + ref.name(), f.getSpec().async(),
                        f.getSpec().concurrency().reserved())),
                (ref, payload, requestId, trace) -> {
                    invoked.add(ref.namespace() + "/" + ref.name() + " " + new String(payload, StandardCharsets.UTF_8));
                    return new AttemptOutcome.Success("$LATEST", new byte[0]);
                },
                (ref, payload) -> {
                    queued.add(ref.namespace() + "/" + ref.name() + " " + new String(payload, StandardCharsets.UTF_8));
                    return CompletableFuture.completedFuture(new IntakeResult.Accepted("event-" + queued.size()));
                },
                (namespace, secret) -> {
                    throw new IllegalStateException("no credentials in the mock cluster");
                },
                (namespace, secret) -> {
                    throw new IllegalStateException("no Secrets in the mock cluster");
                },
                new StatusTickStore(client), new StatusCheckpointStore(client), states, new SimpleMeterRegistry(),
                InstantSource.system(), "us-east-1", namespace -> "000000000000"));
    }

    /** The event sources this cluster's operator polls as the Lease holder. */
    public LeaderSources sources() {
        return sources;
    }

    /** What the event sources invoked functions with so far, as {@code namespace/function payload}. */
    public List<String> invoked() {
        return invoked;
    }

    /** What the event sources queued so far, as {@code namespace/function payload}. */
    public List<String> queued() {
        return queued;
    }

    private static CustomResourceDefinitionContext statusSubresource(Class<? extends CustomResource<?, ?>> kind) {
        CustomResourceDefinitionContext context = CustomResourceDefinitionContext.fromCustomResourceType(kind);
        return new CustomResourceDefinitionContext.Builder()
                .withGroup(context.getGroup()).withVersion(context.getVersion()).withPlural(context.getPlural())
                .withKind(context.getKind()).withScope(context.getScope()).withName(context.getName())
                .withStatusSubresource(true)
                .build();
    }

    public KubernetesClient client() {
        return client;
    }

    /** The API server, for answers CRUD mode cannot give (reviews): its expectations come first. */
    public KubernetesMockServer server() {
        return server;
    }

    /** The operator's own client: what is done through it counts as the operator's requests. */
    public KubernetesClient operatorClient() {
        return operatorClient;
    }

    /** A fresh namespace, so tests sharing a cluster never see each other's objects. */
    public String newNamespace(String prefix) {
        String name = prefix + "-" + NAMESPACES.incrementAndGet();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .create();
        return name;
    }

    /**
     * Plays the Deployment controller for every Deployment in the namespace: the spec is observed and every wanted
     * replica runs it and is ready.
     */
    public void rollOut(String namespace) {
        for (Deployment d : client.apps().deployments().inNamespace(namespace).list().getItems()) {
            int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            d.setStatus(new DeploymentStatusBuilder()
                    .withObservedGeneration(d.getMetadata().getGeneration())
                    .withReplicas(replicas).withUpdatedReplicas(replicas)
                    .withReadyReplicas(replicas).withAvailableReplicas(replicas)
                    .build());
            try {
                client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
            } catch (KubernetesClientException gone) {
                // Deleted since listed: nothing to roll out.
            }
        }
    }

    /**
     * Plays Kubernetes' garbage collector for the namespace: deletes, until nothing changes, every object whose
     * owners are all gone. Returns the names of what it deleted.
     */
    public List<String> collectGarbage(String namespace) {
        List<String> deleted = new ArrayList<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            List<HasMetadata> objects = objects(namespace).toList();
            Set<String> uids = new HashSet<>();
            objects.forEach(o -> uids.add(o.getMetadata().getUid()));
            for (HasMetadata object : objects) {
                List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
                if (owners != null && !owners.isEmpty() && owners.stream().noneMatch(o -> uids.contains(o.getUid()))) {
                    client.resource(object).delete();
                    deleted.add(object.getKind() + "/" + object.getMetadata().getName());
                    changed = true;
                }
            }
        }
        return deleted;
    }

    /** Everything Lamina reads or writes in a namespace. */
    public Stream<HasMetadata> objects(String namespace) {
        return Stream.of(
                        client.resources(Function.class).inNamespace(namespace).list().getItems(),
                        client.resources(FunctionVersion.class).inNamespace(namespace).list().getItems(),
                        client.resources(Alias.class).inNamespace(namespace).list().getItems(),
                        client.resources(EventSourceMapping.class).inNamespace(namespace).list().getItems(),
                        client.apps().deployments().inNamespace(namespace).list().getItems())
                .flatMap(List::stream)
                .map(HasMetadata.class::cast);
    }

    /** The requests the operator made to the API server so far (each returned once), as "METHOD path". */
    public List<String> operatorRequests() throws InterruptedException {
        List<String> requests = new ArrayList<>();
        for (RecordedRequest r = server.takeRequest(0, TimeUnit.SECONDS); r != null;
             r = server.takeRequest(0, TimeUnit.SECONDS)) {
            if (OPERATOR_AGENT.equals(r.getHeader("User-Agent"))) {
                requests.add(r.getMethod() + " " + r.getPath());
            }
        }
        return requests;
    }

    @Override
    public void close() {
        sources.close();
        operator.stop();
        operatorClient.close();
        client.close();
        server.destroy();
    }
}
