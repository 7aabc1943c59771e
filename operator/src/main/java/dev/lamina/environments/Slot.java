package dev.lamina.environments;

import java.net.InetSocketAddress;

/**
 * One taken invocation slot on one execution environment. The holder sends exactly one invocation to
 * {@link #address()} and then calls {@link #release()} exactly once.
 */
public interface Slot {

    /** Where the environment's invoke endpoint listens. */
    InetSocketAddress address();

    /**
     * Whether the environment had finished initialising when the slot was taken. A slot on an environment still
     * initialising is fine to use: the environment holds the invocation until its runtime is ready (or answers with
     * the init error), which is how a cold start serves its first call without an extra round trip.
     */
    boolean ready();

    /** Gives the slot back. */
    void release();
}
