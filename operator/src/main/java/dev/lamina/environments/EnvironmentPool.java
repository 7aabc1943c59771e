package dev.lamina.environments;

import java.util.Optional;

/**
 * The execution environments of one function version. The gateway takes slots from it; the autoscaler tells it how
 * many environments to keep. Implementations: local processes supervised by the runtime shim
 * ({@link LocalEnvironmentPool}); pods of a Deployment in a cluster. All methods are thread-safe and never block
 * on environment start-up or shut-down.
 */
public interface EnvironmentPool {

    VersionRef version();

    /** Invocations one environment serves at once (Lambda: 1). */
    int slotsPerEnvironment();

    /**
     * Takes a free slot on the least-loaded environment, preferring initialised environments over ones still
     * starting. Empty when every slot is taken or there is no environment.
     */
    Optional<Slot> tryAcquire();

    /**
     * Keeps {@code environments} environments: starts the missing ones at once; stops surplus ones that run no
     * invocation, idle longest first (busy ones are never interrupted). The first {@code provisioned} environments
     * are initialised as provisioned concurrency.
     */
    void scaleTo(int environments, int provisioned);

    PoolState state();

    /** Sets the one listener told about freed slots and failed starts. */
    void listener(PoolListener listener);

    /** Takes no more invocations, lets running ones finish, then stops every environment. */
    void close();
}
