package dev.lamina.controller;

import dev.lamina.api.Function;
import dev.lamina.api.Labels;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashMap;
import java.util.Map;

/**
 * One Deployment per live version of the Function and one for {@code $LATEST}. Compared by a digest of the desired
 * state instead of a field diff, so a removed environment variable is noticed and defaults the API server fills in
 * are not mistaken for changes.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.FUNCTION))
public class VersionDeploymentDependent extends KubernetesDependentResource<Deployment, Function>
        implements CRUDKubernetesBulkDependentResource<Deployment, Function>,
        KubernetesBulkDependentResource<Deployment, Function>, GarbageCollected<Function> {

    public VersionDeploymentDependent() {
        super(Deployment.class);
    }

    @Override
    public Map<ResourceID, Deployment> desiredResources(Function primary, Context<Function> context) {
        FunctionPlan plan = context.managedWorkflowAndDependentResourceContext()
                .getMandatory(FunctionPlan.KEY, FunctionPlan.class);
        String namespace = primary.getMetadata().getNamespace();
        Map<ResourceID, Deployment> actual = getSecondaryResources(primary, context);
        Map<ResourceID, Deployment> desired = new HashMap<>();
        for (VersionTarget target : plan.targets()) {
            ResourceID id = new ResourceID(Labels.deploymentName(target.function(), target.version()), namespace);
            desired.put(id, plan.deployments().build(target, namespace, actual.get(id)));
        }
        return desired;
    }

    @Override
    public Result<Deployment> match(Deployment actual, Deployment desired, Function primary,
                                    Context<Function> context) {
        return Result.computed(DeploymentFactory.matches(actual, desired), desired);
    }

    @Override
    public void deleteTargetResource(Function primary, Deployment resource, ResourceID key,
                                     Context<Function> context) {
        context.getClient().resource(resource).delete();
    }
}
