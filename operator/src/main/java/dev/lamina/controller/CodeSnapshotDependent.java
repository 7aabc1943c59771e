package dev.lamina.controller;

import dev.lamina.api.Function;
import dev.lamina.api.FunctionVersion;
import dev.lamina.api.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The published versions' copies of their code and layer ConfigMaps ({@link CodeSnapshots}). A copy is created with
 * the version that needs it and never changed; it is deleted once no kept version refers to it, and with the Function.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.CODE_SNAPSHOT))
public class CodeSnapshotDependent extends KubernetesDependentResource<ConfigMap, Function>
        implements KubernetesBulkDependentResource<ConfigMap, Function>, Creator<ConfigMap, Function>,
        GarbageCollected<Function> {

    public CodeSnapshotDependent() {
        super(ConfigMap.class);
    }

    @Override
    public Map<ResourceID, ConfigMap> desiredResources(Function primary, Context<Function> context) {
        Map<ResourceID, ConfigMap> desired = new HashMap<>();
        plan(context).snapshots().values().forEach(copy -> desired.put(ResourceID.fromResource(copy), copy));
        return desired;
    }

    /**
     * Only this Function's copies: the Function's own code ConfigMaps are secondary resources too (another informer
     * watches them), and must never be taken for copies to delete.
     */
    @Override
    public Predicate<ConfigMap> secondaryResourceFilter(Function primary, Context<Function> context) {
        String function = Labels.labelValue(primary.getMetadata().getName());
        return configMap -> configMap.getMetadata().getLabels() != null
                && function.equals(configMap.getMetadata().getLabels().get(Labels.CODE_SNAPSHOT));
    }

    @Override
    public Result<ConfigMap> match(ConfigMap actual, ConfigMap desired, Function primary, Context<Function> context) {
        // A copy with this name holds this content: its name is its content's digest.
        return Result.computed(true, actual);
    }

    @Override
    public void deleteTargetResource(Function primary, ConfigMap resource, ResourceID key, Context<Function> context) {
        FunctionPlan plan = plan(context);
        List<FunctionVersion.Spec> versions = new ArrayList<>();
        plan.versions().values().forEach(v -> versions.add(v.getSpec()));
        plan.toPublish().ifPresent(versions::add);
        if (!CodeSnapshots.referenced(primary.getMetadata().getName(), versions).contains(key.getName())) {
            context.getClient().resource(resource).delete();
        }
    }

    private static FunctionPlan plan(Context<Function> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(FunctionPlan.KEY, FunctionPlan.class);
    }
}
