package dev.lamina.gateway;

import dev.lamina.environments.EnvironmentPool;
import dev.lamina.environments.PoolListener;
import dev.lamina.environments.Slot;
import java.time.Duration;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Hands out slots of one version's pool: at once when one is free, otherwise in arrival order as environments start
 * or finish invocations, for at most a bounded time. Never blocks a thread.
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

    private final EnvironmentPool pool;
    private final Runnable demandWaiting;
    private final ScheduledExecutorService timer;
    private final Queue<CompletableFuture<Slot>> waiters = new ConcurrentLinkedQueue<>();

    /**
     * @param demandWaiting told when an invocation has to wait, so the autoscaler adds environments now
     * @param timer         runs the wait bounds
     */
    SlotQueue(EnvironmentPool pool, Runnable demandWaiting, ScheduledExecutorService timer) {
        this.pool = pool;
        this.demandWaiting = demandWaiting;
        this.timer = timer;
        pool.listener(this);
    }

    CompletableFuture<Slot> acquire(Duration maxWait) {
        if (waiters.isEmpty()) {
            Optional<Slot> free = pool.tryAcquire();
            if (free.isPresent()) {
                return CompletableFuture.completedFuture(free.get());
            }
        }
        CompletableFuture<Slot> waiter = new CompletableFuture<>();
        waiters.add(waiter);
        demandWaiting.run();
        drain();
        if (!waiter.isDone()) {
            var bound = timer.schedule(() -> {
                if (waiter.completeExceptionally(new WaitTimedOut())) {
                    waiters.remove(waiter);
                }
            }, maxWait.toNanos(), TimeUnit.NANOSECONDS);
            waiter.whenComplete((slot, error) -> bound.cancel(false));
        }
        return waiter;
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

    private void drain() {
        while (!waiters.isEmpty()) {
            Optional<Slot> free = pool.tryAcquire();
            if (free.isEmpty()) {
                return;
            }
            CompletableFuture<Slot> waiter;
            do {
                waiter = waiters.poll();
            } while (waiter != null && waiter.isDone());
            if (waiter == null || !waiter.complete(free.get())) {
                free.get().release();
            }
        }
    }
}
