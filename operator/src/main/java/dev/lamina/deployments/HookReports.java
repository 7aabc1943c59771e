package dev.lamina.deployments;

/**
 * Where a traffic hook reports how it went: the port behind Lamina's {@code PutLifecycleEventHookExecutionStatus}
 * (CodeDeploy's call, which hooks written for CodeDeploy make through the AWS SDK). Local mode keeps reports in
 * memory; a cluster puts them on the Alias, so the controller sees them whichever gateway replica took the call.
 */
public interface HookReports {

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
