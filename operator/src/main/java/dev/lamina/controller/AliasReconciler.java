package dev.lamina.controller;

import dev.lamina.api.Alias;
import dev.lamina.api.AliasSpec;
import dev.lamina.api.AliasStatus;
import dev.lamina.api.AliasStatus.DeploymentStatus;
import dev.lamina.deployments.Deployments;
import dev.lamina.deployments.HookInvoker;
import dev.lamina.deployments.HookReports;
import dev.lamina.deployments.ManualAction;
import dev.lamina.deployments.OutcomeSource;
import dev.lamina.deployments.Rollout;
import dev.lamina.deployments.VersionReadiness;
import dev.lamina.gateway.AsyncEvents;
import dev.lamina.versions.AliasRouting;
import dev.lamina.versions.FunctionVersions;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks that an alias's function and versions exist and records its routing table in status. Its provisioned
 * concurrency takes effect through the Function's reconciler, which owns the version Deployments and keeps their
 * environments; deleting the alias lets them go. An alias with a deployment is evaluated by the shared rules
 * ({@link Deployments}) every {@link Rollout#EVALUATION_INTERVAL} while one is in progress; the gateways route by
 * the weights it writes in status.
 */
@ControllerConfiguration(name = AliasReconciler.NAME)
// Retry failures for as long as they last (an API server away for a while), backing off to once every 5 minutes.
@GradualRetry(maxAttempts = -1, initialInterval = 1_000, intervalMultiplier = 2, maxInterval = 300_000)
public class AliasReconciler implements Reconciler<Alias> {
    public static final String NAME = "alias";

    private final FunctionReferences<Alias> references = FunctionReferences.one(a -> a.getSpec().function());
    private final ControllerSettings settings;
    private final Deployments deployments;
    /** The deployment status decided last, by alias uid. */
    private final Map<String, DeploymentStatus> decided = new ConcurrentHashMap<>();

    /** With the gateway of this replica: its environments, every replica's counts, its invocation path. */
    @Inject
    public AliasReconciler(ControllerSettings settings, VersionReadiness readiness,
                           @Named(OutcomeSource.GATEWAY_REPLICAS) OutcomeSource outcomes, AsyncEvents async,
                           MeterRegistry registry) {
        this(settings, readiness, outcomes, async.hooks(), registry);
    }

    public AliasReconciler(ControllerSettings settings, VersionReadiness readiness, OutcomeSource outcomes,
                           HookInvoker hooks, MeterRegistry registry) {
        this.settings = settings;
        this.deployments = new Deployments(outcomes, hooks, readiness, registry);
    }

    @PreDestroy
    void close() {
        deployments.close();
    }

    @Override
    public List<EventSource<?, Alias>> prepareEventSources(EventSourceContext<Alias> context) {
        return references.eventSources(context, false);
    }

    @Override
    public UpdateControl<Alias> reconcile(Alias alias, Context<Alias> context) {
        AliasSpec spec = alias.getSpec();
        // A deployment starts only towards a version that exists; until then the alias says which is missing.
        Optional<Problem> unknownTarget = spec.deployment() == null || spec.functionVersion() == null
                ? Optional.empty() : check(alias, Map.of(spec.functionVersion(), 1.0), context);
        DeploymentStatus deployment = spec.deployment() == null ? null : unknownTarget.isPresent()
                ? lastDecided(alias) : deploy(alias, context);
        Map<String, Double> table = AliasRouting.table(spec, deployment);
        Optional<Problem> problem = unknownTarget.isPresent() ? unknownTarget : table.isEmpty()
                ? Optional.of(new Problem("NoVersion", spec.function() + " has no published version for the alias"
                + " to follow yet")) : check(alias, table, context);
        StatusConditions conditions = StatusConditions.of(alias);
        AliasStatus status;
        if (problem.isPresent()) {
            List<Problem> problems = List.of(problem.get());
            KubernetesEvents.recordNewProblems(context.getClient(), alias, conditions, problems);
            status = new AliasStatus(conditions.generation(), conditions.stalled(problems), null, null,
                    deployment, StatusUrls.functionUrl(settings, alias));
        } else {
            String weights = AliasRouting.describe(table);
            String message = spec.function() + ":" + spec.name() + " routes " + weights
                    + (spec.provisionedConcurrency() > 0
                    ? " with provisioned concurrency " + spec.provisionedConcurrency() : "");
            status = new AliasStatus(conditions.generation(), deployment != null && deployment.inProgress()
                    ? conditions.reconciling(deployment.phase(), message + "; " + deployment.message())
                    : conditions.ready("Routing", message), table, weights, deployment,
                    StatusUrls.functionUrl(settings, alias));
        }
        alias.setStatus(status);
        UpdateControl<Alias> update = UpdateControl.patchStatus(alias);
        return deployment != null && deployment.inProgress()
                ? update.rescheduleAfter(Rollout.EVALUATION_INTERVAL) : update;
    }

    /**
     * Where the alias's deployment stands: what this controller decided last, as the cached status may not show the
     * last patch yet; after a failover (nothing decided here yet), the status.
     */
    private DeploymentStatus lastDecided(Alias alias) {
        return decided.getOrDefault(alias.getMetadata().getUid(), alias.getStatus() == null ? null
                : alias.getStatus().deployment());
    }

    /** One evaluation of the alias's deployment. */
    private DeploymentStatus deploy(Alias alias, Context<Alias> context) {
        AliasSpec spec = alias.getSpec();
        String namespace = alias.getMetadata().getNamespace();
        String uid = alias.getMetadata().getUid();
        DeploymentStatus current = lastDecided(alias);
        List<String> published = FunctionReferences.publishedVersions(context, namespace, spec.function());
        String desired = !spec.deployment().followLatest() ? spec.functionVersion()
                : published.stream().max(Comparator.comparingLong(FunctionVersions::number)).orElse(null);
        Map<String, String> annotations = alias.getMetadata().getAnnotations() == null ? Map.of()
                : alias.getMetadata().getAnnotations();
        HookReports.HookStatus report = current == null || current.hookExecutionId() == null ? null
                : HookReports.reportedIn(annotations, current.hookExecutionId()).orElse(null);
        Rollout.Decision decision = deployments.evaluate(
                new Deployments.AliasKey(namespace, spec.function(), spec.name()),
                new Deployments.Observed(spec, alias.getMetadata().getGeneration() == null ? 0
                        : alias.getMetadata().getGeneration(), desired, current, report,
                        ManualAction.parse(annotations.get(ManualAction.ANNOTATION)).orElse(null)),
                Instant.now());
        decision.notices().forEach(n -> KubernetesEvents.record(context.getClient(), alias,
                n.warning() ? KubernetesEvents.WARNING : KubernetesEvents.NORMAL, n.reason(), n.message()));
        if (decision.status() != null) {
            decided.put(uid, decision.status());
        }
        return decision.status();
    }

    private static Optional<Problem> check(Alias alias, Map<String, Double> table, Context<Alias> context) {
        AliasSpec spec = alias.getSpec();
        String namespace = alias.getMetadata().getNamespace();
        if (FunctionReferences.function(context, namespace, spec.function()).isEmpty()) {
            return Optional.of(new Problem("FunctionNotFound", "function " + spec.function()
                    + " does not exist in this namespace"));
        }
        for (String version : table.keySet()) {
            if (!FunctionReferences.versionExists(context, namespace, spec.function(), version)) {
                List<String> published = FunctionReferences.publishedVersions(context, namespace, spec.function());
                return Optional.of(new Problem("VersionNotFound", "version " + version + " of " + spec.function()
                        + " does not exist (published: " + (published.isEmpty() ? "none" : String.join(", ",
                        published)) + ")"));
            }
        }
        Optional<Alias> older = context.getPrimaryCache()
                .list(namespace, a -> a != alias && spec.function().equals(a.getSpec().function())
                        && spec.name().equals(a.getSpec().name())
                        && !a.getMetadata().getName().equals(alias.getMetadata().getName()))
                .filter(a -> firstCreated(a, alias))
                .findFirst();
        return older.map(a -> new Problem("DuplicateAlias", "Alias " + a.getMetadata().getName()
                + " already defines " + spec.function() + ":" + spec.name()));
    }

    private static boolean firstCreated(Alias a, Alias b) {
        Comparator<Alias> order = Comparator.comparing((Alias x) -> String.valueOf(x.getMetadata()
                .getCreationTimestamp())).thenComparing(x -> x.getMetadata().getName());
        return order.compare(a, b) < 0;
    }

}
