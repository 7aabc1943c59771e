package dev.lamina.shim.extensions;

/**
 * One invocation as the extensions subscribed to {@code INVOKE} see it: it is over for them once each has called
 * {@code event/next} again after receiving it. Confined to the shim's event loop.
 */
public final class InvokeRound {

    private int outstanding;
    private Runnable then;

    InvokeRound(int extensions) {
        this.outstanding = extensions;
    }

    public boolean done() {
        return outstanding == 0;
    }

    /** Runs {@code action} once every extension is back (at once when they are). */
    public void whenDone(Runnable action) {
        if (done()) {
            action.run();
        } else {
            then = action;
        }
    }

    /** One extension came back. */
    void back() {
        if (outstanding > 0 && --outstanding == 0 && then != null) {
            Runnable action = then;
            then = null;
            action.run();
        }
    }

    /** The extensions are being shut down: nobody waits for them any more. */
    void abandon() {
        outstanding = 1;
        back();
    }
}
