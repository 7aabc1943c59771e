package dev.lamina.gateway;

import dev.lamina.environments.EnvironmentPool;
import dev.lamina.environments.PoolListener;
import dev.lamina.environments.Slot;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Hands out slots of one version's pool: at once when one is free, otherwise in arrival order as environments start
 * or finish invocations, for at most a bounded time. Never blocks a thread.
 *
 * <p>The wait is bounded, but a bound that runs out while an environment of the version is still starting (a cold
 * pod pulling its image, a slow init) is extended, up to a longer bound for starts: a slow cold start delays the call
 * rather than throttling it, and a start that never finishes still ends in a throttle.
 *
 * <p>An invocation that has to wait asks the autoscaler for environments at once when the version has none
 * initialised (scale from zero). When initialised environments are merely busy it waits a short patience first: a
 * fast function frees a slot within milliseconds, and starting a runtime for an overlap that short would cost far more
 * than it saves (each start takes a whole core for a while on a small machine).
 */
final class SlotQueue implements PoolListener {

    /** No slot became free within the wait bound. */
    static final class WaitTimedOut extends Exception {
        WaitTimedOut() {
            super(null, null, false, false);
        }
    }

    /** The pool could not start an environment for the waiting invocations. */
    static final class StartFailed extends Exception {
        StartFailed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * How soon a bound looks again at a waiter a drain holds at that instant: the drain either hands it a slot or
     * puts it back at the head of the queue.
     */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final EnvironmentPool pool;
    private final Runnable demandWaiting;
    private final Duration patience;
    private final ScheduledExecutorService timer;
    private final ConcurrentLinkedDeque<CompletableFuture<Slot>> waiters = new ConcurrentLinkedDeque<>();

    /**
     * @param demandWaiting told when an invocation has to wait, so the autoscaler adds environments now
     * @param patience      how long an invocation waits for a busy environment before more are asked for
     * @param timer         runs the wait bounds
     */
    SlotQueue(EnvironmentPool pool, Runnable demandWaiting, Duration patience, ScheduledExecutorService timer) {
        this.pool = pool;
        this.demandWaiting = demandWaiting;
        this.patience = patience;
        this.timer = timer;
        pool.listener(this);
    }

    /**
     * @param maxWait      how long to wait for a slot
     * @param maxStartWait how long to wait while an environment of the version is still starting
     */
    CompletableFuture<Slot> acquire(Duration maxWait, Duration maxStartWait) {
        if (waiters.isEmpty()) {
            Optional<Slot> free = pool.tryAcquire();
            if (free.isPresent()) {
                return CompletableFuture.completedFuture(free.get());
            }
        }
        CompletableFuture<Slot> waiter = new CompletableFuture<>();
        waiters.add(waiter);
        drain();
        if (waiter.isDone()) {
            return waiter;
        }
        ScheduledFuture<?> scaleUp = null;
        if (pool.state().ready() == 0) {
            demandWaiting.run();
        } else {
            scaleUp = timer.schedule(() -> {
                if (!waiter.isDone()) {
                    demandWaiting.run();
                }
            }, patience.toNanos(), TimeUnit.NANOSECONDS);
        }
        Bound bound = new Bound(waiter, maxWait.toNanos(), System.nanoTime() + maxStartWait.toNanos());
        bound.arm(maxWait.toNanos());
        ScheduledFuture<?> patienceTimer = scaleUp;
        waiter.whenComplete((slot, error) -> {
            bound.cancel();
            if (patienceTimer != null) {
                patienceTimer.cancel(false);
            }
        });
        return waiter;
    }

    /** Ends one wait: at its bound, unless an environment is still starting and the start bound is not reached. */
    private final class Bound implements Runnable {
        private final CompletableFuture<Slot> waiter;
        private final long step;
        private final long startDeadline;
        private volatile ScheduledFuture<?> scheduled;

        Bound(CompletableFuture<Slot> waiter, long step, long startDeadline) {
            this.waiter = waiter;
            this.step = step;
            this.startDeadline = startDeadline;
        }

        void arm(long delayNanos) {
            scheduled = timer.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
        }

        void cancel() {
            scheduled.cancel(false);
        }

        @Override
        public void run() {
            // Read before draining: an environment that stops starting has its slot free by then, and a slot freed
            // by an environment that just became ready may not have been handed out yet.
            boolean starting = pool.state().starting() > 0;
            drain();
            if (waiter.isDone()) {
                return;
            }
            long startLeft = startDeadline - System.nanoTime();
            if (starting && startLeft > 0) {
                arm(Math.min(step, startLeft));
            } else if (waiters.remove(waiter)) {
                waiter.completeExceptionally(new WaitTimedOut());
            } else if (!waiter.isDone()) {
                // A drain holds it this instant: it hands it a slot or puts it back, so look again then.
                arm(RECHECK_NANOS);
            }
        }
    }

    int waiting() {
        return waiters.size();
    }

    @Override
    public void slotsAvailable() {
        if (!waiters.isEmpty()) {
            drain();
        }
    }

    @Override
    public void startFailed(String message) {
        CompletableFuture<Slot> waiter;
        while ((waiter = waiters.poll()) != null) {
            waiter.completeExceptionally(new StartFailed(message));
        }
    }

    /**
     * Hands free slots to waiters in arrival order. A waiter is taken from the queue before a slot is, so a bound
     * never times out a waiter that is about to be served: if no slot is free it goes back to the head.
     */
    private void drain() {
        CompletableFuture<Slot> waiter;
        while ((waiter = nextWaiter()) != null) {
            Optional<Slot> free = pool.tryAcquire();
            if (free.isEmpty()) {
                waiters.offerFirst(waiter);
                // A slot freed while the waiter was out of the queue found no one to drain for: look once more.
                free = pool.tryAcquire();
                if (free.isEmpty()) {
                    return;
                }
                waiter = nextWaiter();
                if (waiter == null) {
                    free.get().release();
                    return;
                }
            }
            if (!waiter.complete(free.get())) {
                free.get().release();
            }
        }
    }

    private CompletableFuture<Slot> nextWaiter() {
        CompletableFuture<Slot> waiter;
        do {
            waiter = waiters.poll();
        } while (waiter != null && waiter.isDone());
        return waiter;
    }
}
