package dev.lamina.environments;

import dev.lamina.shim.Shim;
import java.net.InetSocketAddress;

/**
 * One taken invocation slot on one execution environment. The holder sends exactly one invocation to
 * {@link #address()} and then calls {@link #release()} exactly once.
 */
public interface Slot {

    /** Where the environment's invoke endpoint listens. */
    InetSocketAddress address();

    /**
     * Whether the environment may hold the invocation until its slot there is free, rather than answer busy at once.
     * True for an environment still initialising (it holds the invocation until its runtime is ready, which is how a
     * cold start serves its first call without an extra round trip), and for any environment of a pool that is the
     * only sender to its environments (a slot free here is at most a moment away from free there). False when other
     * gateways send to the same environments: a busy answer then means another slot should be tried.
     */
    boolean mayWaitInEnvironment();

    /**
     * The environment's shim when it runs in this process (local mode), to be invoked directly rather than over
     * HTTP on {@link #address()}; null for an environment elsewhere (a pod).
     */
    Shim embedded();

    /** Gives the slot back. */
    void release();
}
