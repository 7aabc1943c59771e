package dev.lamina.cluster;

import dev.lamina.api.Alias;
import dev.lamina.api.AliasStatus;
import dev.lamina.deployments.HookReports;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Hook reports in a cluster: recorded on the Alias whose deployment is in progress, as annotation
 * {@code hooks.lamina.dev/<execution id>} = {@code Succeeded} or {@code Failed}, so the controller sees a report
 * whichever gateway replica took it, and a second report (on any replica) finds the first. Only metadata is patched,
 * never the status the controller writes; the patch carries the resourceVersion the decision was made on, so two
 * replicas reporting the same hook at once cannot both be accepted. Blocks on the Kubernetes API: call it off the
 * event loop.
 */
public final class AliasHookReports implements HookReports {

    /** Conflicting writes to the Alias (its status changes often during a deployment) before giving up. */
    private static final int ATTEMPTS = 5;

    private final KubernetesClient client;
    private final Function<String, List<Alias>> aliasesOfDeployment;

    /** @param aliasesOfDeployment the Aliases (as last seen by an informer) with a deployment of this id */
    public AliasHookReports(KubernetesClient client, Function<String, List<Alias>> aliasesOfDeployment) {
        this.client = client;
        this.aliasesOfDeployment = aliasesOfDeployment;
    }

    @Override
    public Result report(String deploymentId, String executionId, HookStatus status) {
        List<Alias> seen = aliasesOfDeployment.apply(deploymentId);
        if (seen.isEmpty()) {
            return new Result.UnknownDeployment();
        }
        Alias alias = seen.getFirst();
        boolean fresh = false;
        for (int attempt = 1; ; attempt++) {
            Result refusal = refusal(alias, deploymentId, executionId);
            if (refusal != null && fresh) {
                return refusal;
            }
            if (refusal == null) {
                try {
                    annotate(alias, executionId, status);
                    return new Result.Accepted();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409 || attempt == ATTEMPTS) {
                        throw e;
                    }
                }
            }
            // A refusal judged on the informer's copy, or a write that lost a race, is judged again on what the API
            // holds now: the informer may not have seen the hook's turn yet.
            alias = client.resources(Alias.class).inNamespace(alias.getMetadata().getNamespace())
                    .withName(alias.getMetadata().getName()).get();
            if (alias == null) {
                return new Result.UnknownDeployment();
            }
            fresh = true;
        }
    }

    /** Why this Alias refuses the report, or null if it takes it. */
    private static Result refusal(Alias alias, String deploymentId, String executionId) {
        AliasStatus.DeploymentStatus deployment = alias.getStatus() == null ? null : alias.getStatus().deployment();
        if (deployment == null || !deploymentId.equals(deployment.deploymentId())) {
            return new Result.UnknownDeployment();
        }
        Map<String, String> annotations = alias.getMetadata().getAnnotations();
        if (annotations != null && annotations.containsKey(ANNOTATION_PREFIX + executionId)) {
            return new Result.AlreadyCompleted();
        }
        if (!executionId.equals(deployment.hookExecutionId())) {
            return new Result.UnknownExecution();
        }
        if (!"PreTraffic".equals(deployment.phase()) && !"PostTraffic".equals(deployment.phase())) {
            return new Result.AlreadyCompleted(); // the deployment moved on: the hook's time ran out
        }
        return null;
    }

    private void annotate(Alias alias, String executionId, HookStatus status) {
        String patch = Serialization.asJson(Map.of("metadata", Map.of(
                "resourceVersion", alias.getMetadata().getResourceVersion(),
                "annotations", Map.of(ANNOTATION_PREFIX + executionId, status.name()))));
        client.resources(Alias.class).inNamespace(alias.getMetadata().getNamespace())
                .withName(alias.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }
}
