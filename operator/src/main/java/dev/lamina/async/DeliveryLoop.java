package dev.lamina.async;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Hands due events to {@link Delivery}, each on its own virtual thread, at most
 * {@link AsyncSettings#maxConcurrentDeliveries()} at a time and no more per function than {@link Pacing} leaves room
 * for. Sleeps until the next event is due, or until new work arrives ({@link WorkSignal}: a new event, a finished
 * delivery), and never longer than {@link AsyncSettings#idlePoll()}.
 */
final class DeliveryLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DeliveryLoop.class);
    private static final Duration DRAIN_ON_CLOSE = Duration.ofSeconds(10);

    private final EventStore store;
    private final Delivery delivery;
    private final Pacing pacing;
    private final InstantSource clock;
    private final Duration idlePoll;
    private final Semaphore slots;
    private final WorkSignal work;
    private final ExecutorService deliveries = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread loop;
    private volatile boolean running = true;

    DeliveryLoop(EventStore store, Delivery delivery, Pacing pacing, WorkSignal work, AsyncSettings settings,
                 InstantSource clock) {
        this.store = store;
        this.work = work;
        this.delivery = delivery;
        this.pacing = pacing;
        this.clock = clock;
        this.idlePoll = settings.idlePoll();
        this.slots = new Semaphore(settings.maxConcurrentDeliveries());
        this.loop = Thread.ofVirtual().name("async-delivery-loop").start(this::run);
    }

    private void run() {
        while (running) {
            try {
                handOutDueEvents();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The store failed; the loop must outlive that, or nothing would be delivered any more.
                LOG.errorf("The asynchronous delivery loop could not read the event store: %s", e.getMessage());
                try {
                    Thread.sleep(idlePoll);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void handOutDueEvents() throws InterruptedException {
        slots.acquire();
        int granted = 1 + slots.drainPermits();
        List<AsyncEvent> due;
        try {
            work.clear();
            due = store.claimDue(clock.instant(), granted, pacing.room());
        } finally {
            slots.release(granted);
        }
        for (AsyncEvent event : due) {
            if (!pacing.enter(event)) {
                // More than the function has room for (its first claim, or a smaller reservation): back, unchanged.
                store.update(event);
                continue;
            }
            slots.acquire();
            deliveries.execute(() -> {
                try {
                    delivery.deliver(event);
                } finally {
                    pacing.leave(event);
                    slots.release();
                    work.signal();
                }
            });
        }
        if (due.size() < granted) {
            awaitWork();
        }
    }

    private void awaitWork() throws InterruptedException {
        Instant now = clock.instant();
        long waitMillis = store.nextDue(pacing.full())
                .map(due -> Math.max(0, Duration.between(now, due).toMillis()))
                .map(millis -> Math.min(millis, idlePoll.toMillis()))
                .orElse(idlePoll.toMillis());
        if (waitMillis > 0) {
            work.await(waitMillis);
        }
    }

    /** Stops handing out events and waits a little for the deliveries in flight; unfinished ones are redone after restart. */
    @Override
    public void close() {
        running = false;
        loop.interrupt();
        try {
            loop.join();
            deliveries.shutdown();
            if (!deliveries.awaitTermination(DRAIN_ON_CLOSE.toMillis(), TimeUnit.MILLISECONDS)) {
                deliveries.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deliveries.shutdownNow();
        }
    }
}
