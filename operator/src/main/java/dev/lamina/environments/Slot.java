package dev.lamina.environments;

/**
 * One taken invocation slot on one execution environment. The holder sends exactly one invocation over
 * {@link #transport()} and then calls {@link #release()} exactly once.
 */
public interface Slot {

    /** How to reach the environment. */
    Transport transport();

    /**
     * Whether the environment may hold the invocation until its slot there is free, rather than answer busy at once.
     * True for an environment still initialising (it holds the invocation until its runtime is ready, which is how a
     * cold start serves its first call without an extra round trip), and for any environment of a pool that is the
     * only sender to its environments (a slot free here is at most a moment away from free there). False when other
     * gateways send to the same environments: a busy answer then means another slot should be tried.
     */
    boolean mayWaitInEnvironment();

    /** Gives the slot back. */
    void release();
}
