package dev.lamina.async;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Tells the sleeping delivery loop that something may have become due (a new event, a finished delivery). */
final class WorkSignal {

    private final Semaphore permit = new Semaphore(0);

    void signal() {
        if (permit.availablePermits() == 0) {
            permit.release();
        }
    }

    /** Forgets earlier signals: called before looking for work, so a signal during the look is not lost. */
    void clear() {
        permit.drainPermits();
    }

    /** Waits up to {@code millis} for a signal. */
    void await(long millis) throws InterruptedException {
        if (permit.tryAcquire(millis, TimeUnit.MILLISECONDS)) {
            permit.drainPermits();
        }
    }
}
