package dev.lamina.deployments;

import java.util.Map;
import java.util.Optional;

/**
 * Where a traffic hook reports how it went: the port behind Lamina's {@code PutLifecycleEventHookExecutionStatus}
 * (CodeDeploy's call, which hooks written for CodeDeploy make through the AWS SDK). Local mode keeps reports in
 * memory; a cluster puts them on the Alias, so the controller sees them whichever gateway replica took the call.
 */
public interface HookReports {

    /** In a cluster, a report is the Alias annotation {@code hooks.lamina.dev/<LifecycleEventHookExecutionId>}. */
    String ANNOTATION_PREFIX = "hooks.lamina.dev/";

    /** The report an Alias's annotations hold for a hook execution, if any. */
    static Optional<HookStatus> reportedIn(Map<String, String> annotations, String executionId) {
        String value = annotations == null ? null : annotations.get(ANNOTATION_PREFIX + executionId);
        return HookStatus.Succeeded.name().equals(value) ? Optional.of(HookStatus.Succeeded)
                : HookStatus.Failed.name().equals(value) ? Optional.of(HookStatus.Failed) : Optional.empty();
    }

    /** The two statuses a hook may report (CodeDeploy refuses the others in this call). */
    enum HookStatus { Succeeded, Failed }

    /** What became of a report. */
    sealed interface Result {
        /** Recorded: the deployment will act on it. */
        record Accepted() implements Result {
        }

        /** No deployment in progress has this id ({@code DeploymentDoesNotExistException}). */
        record UnknownDeployment() implements Result {
        }

        /** The deployment is not waiting for a hook with this id ({@code InvalidLifecycleEventHookExecutionIdException}). */
        record UnknownExecution() implements Result {
        }

        /** The hook already reported, or its time ran out ({@code LifecycleEventAlreadyCompletedException}). */
        record AlreadyCompleted() implements Result {
        }
    }

    Result report(String deploymentId, String executionId, HookStatus status);
}
