package dev.lamina.controller;

import dev.lamina.api.Alias;
import dev.lamina.api.Condition;
import dev.lamina.api.Function;
import dev.lamina.api.FunctionSpec;
import dev.lamina.api.FunctionVersion;
import dev.lamina.api.Labels;
import dev.lamina.api.LambdaRuntime;
import dev.lamina.images.RegistryClient;
import dev.lamina.versions.AliasRouting;
import dev.lamina.versions.ProvisionedEnvironments;
import dev.lamina.versions.SpecDigest;
import dev.lamina.versions.VersionPlanner;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import jakarta.inject.Inject;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a Function into its versions and their Deployments, in three steps: observe what the spec refers to,
 * validate it (a spec that cannot run changes nothing and says why), then apply one plan through the dependent
 * resources and report the outcome in status.
 */
@ControllerConfiguration(name = FunctionReconciler.NAME)
// Retry failures for as long as they last (an API server away for a while), backing off to once every 5 minutes.
@GradualRetry(maxAttempts = -1, initialInterval = 1_000, intervalMultiplier = 2, maxInterval = 300_000)
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(name = "snapshots", type = CodeSnapshotDependent.class),
        @Dependent(name = "versions", type = FunctionVersionDependent.class, dependsOn = "snapshots"),
        @Dependent(name = "deployments", type = VersionDeploymentDependent.class, dependsOn = "versions")})
public class FunctionReconciler implements Reconciler<Function> {
    public static final String NAME = "function";
    /** The informer of the ConfigMaps Functions name (the dependent {@code snapshots} has one of its own copies). */
    static final String REFERENCED_CONFIG_MAPS = "referenced-configmaps";
    private static final String CONFIG_MAP_INDEX = "configMaps";
    private static final String CLAIM_INDEX = "claims";
    private static final String SERVICE_ACCOUNT_INDEX = "serviceAccounts";

    private final ControllerSettings settings;
    private final DeploymentFactory deployments;
    /** Asked for a published version's image digests; empty when resolution is off. */
    private final Optional<RegistryClient> registries;

    @Inject
    public FunctionReconciler(ControllerSettings settings) {
        this.settings = settings;
        this.deployments = new DeploymentFactory(settings);
        this.registries = settings.registries().resolveDigests()
                ? Optional.of(new RegistryClient(settings.registries())) : Optional.empty();
    }

    @Override
    public List<EventSource<?, Function>> prepareEventSources(EventSourceContext<Function> context) {
        var functions = context.getPrimaryCache();
        functions.addIndexer(CONFIG_MAP_INDEX, fn -> keys(fn, FunctionObserver.configMapNames(fn.getSpec())));
        functions.addIndexer(CLAIM_INDEX, fn -> keys(fn, FunctionObserver.claimNames(fn.getSpec())));
        functions.addIndexer(SERVICE_ACCOUNT_INDEX, fn -> keys(fn, fn.getSpec().serviceAccountName() == null
                ? List.of() : List.of(fn.getSpec().serviceAccountName())));

        var aliases = InformerEventSourceConfiguration.from(Alias.class, Function.class)
                .withSecondaryToPrimaryMapper(alias -> Set.of(
                        new ResourceID(alias.getSpec().function(), alias.getMetadata().getNamespace())))
                .build();
        var configMaps = InformerEventSourceConfiguration.from(ConfigMap.class, Function.class)
                .withName(REFERENCED_CONFIG_MAPS)
                .withSecondaryToPrimaryMapper(cm -> referencing(functions, CONFIG_MAP_INDEX, cm.getMetadata()))
                .build();
        var claims = InformerEventSourceConfiguration.from(PersistentVolumeClaim.class, Function.class)
                .withSecondaryToPrimaryMapper(pvc -> referencing(functions, CLAIM_INDEX, pvc.getMetadata()))
                .build();
        var serviceAccounts = InformerEventSourceConfiguration.from(ServiceAccount.class, Function.class)
                .withSecondaryToPrimaryMapper(sa -> referencing(functions, SERVICE_ACCOUNT_INDEX, sa.getMetadata()))
                .build();
        return List.of(new InformerEventSource<>(aliases, context), new InformerEventSource<>(configMaps, context),
                new InformerEventSource<>(claims, context), new InformerEventSource<>(serviceAccounts, context));
    }

    @Override
    public UpdateControl<Function> reconcile(Function function, Context<Function> context) {
        FunctionSpec spec = function.getSpec();
        String name = function.getMetadata().getName();

        // Observe
        FunctionSurroundings around = FunctionObserver.observe(function, context);
        List<Deployment> currentDeployments = List.copyOf(context.getSecondaryResources(Deployment.class));
        List<FunctionVersion> existing = List.copyOf(context.getSecondaryResources(FunctionVersion.class));
        String recorded = function.getStatus() == null ? null : function.getStatus().latestVersion();

        // Validate
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        List<Problem> problems = FunctionValidator.validate(spec, around, today);
        if (!problems.isEmpty()) {
            KubernetesEvents.recordNewProblems(context.getClient(), function, StatusConditions.of(function), problems);
            function.setStatus(FunctionStatusFactory.stalled(function, problems,
                    VersionPlanner.newest(existing, recorded), currentDeployments, StatusUrls.of(settings, function)));
            // Secrets are not watched: look again later in case the missing one appears.
            return UpdateControl.patchStatus(function).rescheduleAfter(settings.recheckInterval());
        }

        // Plan
        java.util.function.Function<String, ConfigMap> configMaps = around.configMaps()::get;
        String codeSha256 = SpecDigest.code(spec, configMaps);
        String configSha256 = SpecDigest.configuration(spec, configMaps);
        List<Alias> aliases = context.getSecondaryResources(Alias.class).stream()
                .filter(a -> name.equals(a.getSpec().function()))
                .toList();
        VersionPlanner.Plan planned = VersionPlanner.plan(name, spec, codeSha256, configSha256, existing, recorded,
                aliases);
        // Digests are asked for before anything is written, so a version is created whole or not at all.
        Optional<ImagePins> pins = planned.toPublish().map(v -> CodeSnapshots.pinned(v, configMaps))
                .map(v -> registries.map(r -> ImagePins.pin(v, r)).orElse(new ImagePins(v, Optional.empty())));
        VersionPlanner.Plan versions = new VersionPlanner.Plan(pins.map(ImagePins::version), planned.kept(),
                planned.latest());
        FunctionPlan plan = new FunctionPlan(versions.kept(), versions.toPublish(),
                pins.flatMap(ImagePins::unpinned),
                planned.toPublish().map(v -> CodeSnapshots.copies(function.getMetadata().getNamespace(), v, configMaps))
                        .orElse(Map.of()),
                targets(name, spec, SpecDigest.content(spec, configMaps), versions, aliases), deployments);

        // Reconcile
        context.managedWorkflowAndDependentResourceContext().put(FunctionPlan.KEY, plan);
        context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
        versions.toPublish().ifPresent(v -> KubernetesEvents.record(context.getClient(), function,
                KubernetesEvents.NORMAL, "Published", "published version " + v.version()));
        Optional<String> unpinnedNotice = unpinnedNotice(plan, versions);
        versions.toPublish().flatMap(v -> unpinnedNotice).ifPresent(notice -> KubernetesEvents.record(
                context.getClient(), function, KubernetesEvents.WARNING, Condition.IMAGE_NOT_PINNED, notice));

        Map<String, Deployment> applied = new HashMap<>();
        for (Deployment d : context.getSecondaryResources(Deployment.class)) {
            applied.put(d.getMetadata().getName(), d);
        }
        List<Deployment> ours = plan.targets().stream()
                .map(t -> applied.get(Labels.deploymentName(t.function(), t.version())))
                .filter(Objects::nonNull)
                .toList();
        VersionStatusReporter.report(context, applied);
        String latestSha = versions.toPublish().map(FunctionVersion.Spec::configSha256)
                .or(() -> versions.latest().map(v -> versions.kept().get(v)).map(v -> v.getSpec().configSha256()))
                .orElse(function.getStatus() == null ? null : function.getStatus().latestVersionSha256());
        Optional<String> runtimeNotice = Optional.ofNullable(spec.runtime()).flatMap(LambdaRuntime::find)
                .flatMap(runtime -> runtime.notice(today));
        runtimeNotice.filter(notice -> !StatusConditions.of(function).warns(Condition.RUNTIME_DEPRECATED, notice))
                .ifPresent(notice -> KubernetesEvents.record(context.getClient(), function,
                        KubernetesEvents.WARNING, Condition.RUNTIME_DEPRECATED, notice));
        function.setStatus(FunctionStatusFactory.applied(function, versions.latest(), latestSha, ours,
                StatusUrls.of(settings, function), runtimeNotice, unpinnedNotice));
        return UpdateControl.patchStatus(function);
    }

    /** What the newest version says of images it runs by tag, if anything (kept there since it was published). */
    private static Optional<String> unpinnedNotice(FunctionPlan plan, VersionPlanner.Plan versions) {
        if (versions.toPublish().isPresent()) {
            return plan.unpinnedImages().map(unpinned -> "version " + versions.toPublish().get().version() + " "
                    + unpinned);
        }
        return versions.latest().map(versions.kept()::get)
                .flatMap(v -> Optional.ofNullable(v.getMetadata().getAnnotations())
                        .map(a -> a.get(Labels.UNPINNED_IMAGES))
                        .map(unpinned -> "version " + v.getSpec().version() + " " + unpinned));
    }

    /** A failed attempt is retried; until one succeeds the Function says what failed. */
    @Override
    public ErrorStatusUpdateControl<Function> updateErrorStatus(Function function, Context<Function> context,
                                                                Exception e) {
        function.setStatus(FunctionStatusFactory.retrying(function, e));
        return ErrorStatusUpdateControl.patchStatus(function);
    }

    /**
     * The Deployments to have: {@code $LATEST} and each version kept or published, each with the environments its
     * aliases provision. A published version's content never changes, so its configuration digest marks its pods.
     */
    private List<VersionTarget> targets(String name, FunctionSpec spec, String contentDigest, VersionPlanner.Plan plan,
                                        List<Alias> aliases) {
        Map<String, FunctionSpec> specs = new HashMap<>();
        Map<String, String> codes = new HashMap<>();
        plan.kept().forEach((number, v) -> {
            specs.put(number, v.getSpec().snapshot());
            codes.put(number, v.getSpec().configSha256());
        });
        plan.toPublish().ifPresent(v -> {
            specs.put(v.version(), v.snapshot());
            codes.put(v.version(), v.configSha256());
        });
        specs.put(Labels.LATEST, spec);
        codes.put(Labels.LATEST, contentDigest);
        List<Alias> routable = aliases.stream()
                .filter(a -> specs.keySet().containsAll(AliasRouting.versionsNamed(a)))
                .toList();
        Map<String, Integer> minimum = ProvisionedEnvironments.perVersion(routable,
                version -> specs.get(version).concurrency().perEnvironment());
        List<VersionTarget> targets = new ArrayList<>();
        specs.forEach((version, versionSpec) -> targets.add(new VersionTarget(name, version, versionSpec,
                codes.get(version) == null ? "" : codes.get(version), minimum.getOrDefault(version, 0))));
        return targets;
    }

    private static List<String> keys(Function function, Collection<String> names) {
        return names.stream().map(n -> function.getMetadata().getNamespace() + "/" + n).toList();
    }

    private static Set<ResourceID> referencing(IndexedResourceCache<Function> functions,
                                               String index, ObjectMeta meta) {
        return functions.byIndex(index, meta.getNamespace() + "/" + meta.getName()).stream()
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }
}
