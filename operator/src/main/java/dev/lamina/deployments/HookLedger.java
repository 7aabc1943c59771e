package dev.lamina.deployments;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hook reports kept in memory (local mode, one process): a deployment {@link #expect expects} a hook, the hook
 * {@link #report reports} once, the deployment {@link #take takes} the status or {@link #expire expires} the hook when
 * its time ran out. Thread-safe: reports arrive on the gateway's threads, the deployment reads on its own.
 */
public final class HookLedger implements HookReports {

    /** A hook's entry: waiting (no status yet), reported, or expired. */
    private sealed interface Entry {
        record Pending() implements Entry {
        }

        record Reported(HookStatus status) implements Entry {
        }

        record Expired() implements Entry {
        }
    }

    private static final Entry PENDING = new Entry.Pending();
    private static final Entry EXPIRED = new Entry.Expired();

    /** Deployment id → execution id → entry. */
    private final Map<String, Map<String, Entry>> hooks = new ConcurrentHashMap<>();

    /** The deployment now waits for a report of this hook execution. */
    public void expect(String deploymentId, String executionId) {
        hooks.computeIfAbsent(deploymentId, d -> new ConcurrentHashMap<>()).putIfAbsent(executionId, PENDING);
    }

    @Override
    public Result report(String deploymentId, String executionId, HookStatus status) {
        Map<String, Entry> executions = hooks.get(deploymentId);
        if (executions == null) {
            return new Result.UnknownDeployment();
        }
        if (!executions.containsKey(executionId)) {
            return new Result.UnknownExecution();
        }
        return executions.replace(executionId, PENDING, new Entry.Reported(status)) ? new Result.Accepted()
                : new Result.AlreadyCompleted();
    }

    /** What the hook reported, if it did (and was not expired first). */
    public Optional<HookStatus> take(String deploymentId, String executionId) {
        Map<String, Entry> executions = hooks.get(deploymentId);
        return executions != null && executions.get(executionId) instanceof Entry.Reported(HookStatus status)
                ? Optional.of(status) : Optional.empty();
    }

    /** The hook's time ran out: a later report is refused as already completed; one already made stays. */
    public void expire(String deploymentId, String executionId) {
        Map<String, Entry> executions = hooks.get(deploymentId);
        if (executions != null) {
            executions.replace(executionId, PENDING, EXPIRED);
        }
    }
}
