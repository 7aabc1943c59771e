package dev.lamina.controller;

import dev.lamina.api.Function;
import dev.lamina.api.FunctionVersion;
import dev.lamina.api.Labels;
import dev.lamina.versions.FunctionVersions;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The Function's versions. A FunctionVersion is immutable, so this dependent only creates and deletes: it creates
 * the version the plan publishes and deletes those the plan no longer keeps (never one declared by hand).
 */
public class FunctionVersionDependent extends KubernetesDependentResource<FunctionVersion, Function>
        implements KubernetesBulkDependentResource<FunctionVersion, Function>, Creator<FunctionVersion, Function>,
        GarbageCollected<Function>, SecondaryToPrimaryMapper<FunctionVersion> {

    public FunctionVersionDependent() {
        super(FunctionVersion.class);
    }

    @Override
    public Map<ResourceID, FunctionVersion> desiredResources(Function primary, Context<Function> context) {
        FunctionPlan plan = context.managedWorkflowAndDependentResourceContext()
                .getMandatory(FunctionPlan.KEY, FunctionPlan.class);
        Map<ResourceID, FunctionVersion> desired = new HashMap<>();
        plan.versions().values().forEach(v -> desired.put(ResourceID.fromResource(v), v));
        plan.toPublish().ifPresent(spec -> {
            FunctionVersion version = FunctionVersions.published(primary.getMetadata().getNamespace(), spec);
            // Mutable: the operator SDK annotates what it creates.
            plan.unpinnedImages().ifPresent(unpinned -> version.getMetadata()
                    .setAnnotations(new HashMap<>(Map.of(Labels.UNPINNED_IMAGES, unpinned))));
            desired.put(ResourceID.fromResource(version), version);
        });
        return desired;
    }

    /**
     * A FunctionVersion belongs to the Function its spec names, whatever it is called and whoever wrote it, so
     * versions declared by hand are planned, deployed and routed like published ones.
     */
    @Override
    public Set<ResourceID> toPrimaryResourceIDs(FunctionVersion version) {
        return version.getSpec() == null ? Set.of()
                : Set.of(new ResourceID(version.getSpec().function(), version.getMetadata().getNamespace()));
    }

    @Override
    public Result<FunctionVersion> match(FunctionVersion actual, FunctionVersion desired, Function primary,
                                         Context<Function> context) {
        // Never updated: an existing version is the version.
        return Result.computed(true, actual);
    }

    @Override
    public void deleteTargetResource(Function primary, FunctionVersion resource, ResourceID key,
                                     Context<Function> context) {
        context.getClient().resource(resource).delete();
    }
}
