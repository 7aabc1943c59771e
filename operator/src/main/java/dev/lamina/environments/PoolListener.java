package dev.lamina.environments;

/** What a pool tells the component that queues invocations waiting for it. Called on any thread. */
public interface PoolListener {

    /** Until a listener is set: nobody waits. */
    PoolListener NONE = new PoolListener() {
        @Override
        public void slotsAvailable() {
        }

        @Override
        public void startFailed(String message) {
        }
    };

    /** A slot may have become free: one was released, or an environment started. */
    void slotsAvailable();

    /** Starting an environment failed before it could take invocations (it never got an address). */
    void startFailed(String message);
}
