package dev.lamina.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lamina.environments.EnvironmentPool;
import dev.lamina.environments.PoolListener;
import dev.lamina.environments.PoolState;
import dev.lamina.environments.Slot;
import dev.lamina.environments.Transport;
import dev.lamina.environments.VersionRef;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How long an invocation waits for a slot, and what ends the wait. */
class SlotQueueTest {

    private static final Duration SHORT = Duration.ofMillis(50);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ControlledPool pool = new ControlledPool();
    private final AtomicInteger demands = new AtomicInteger();
    private final SlotQueue queue = new SlotQueue(pool, demands::incrementAndGet, Duration.ofMillis(10), timer);

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void withNothingStartingTheWaitEndsInAThrottle() {
        CompletableFuture<Slot> waiter = queue.acquire(SHORT, Duration.ofMinutes(1));

        await().atMost(Duration.ofSeconds(30)).until(waiter::isDone);
        assertThat(waiter).failsWithin(Duration.ZERO).withThrowableThat()
                .havingCause().isInstanceOf(SlotQueue.WaitTimedOut.class);
        assertThat(demands).as("a version without environments asks for one at once").hasPositiveValue();
        assertThat(queue.waiting()).isZero();
    }

    @Test
    void aStartingEnvironmentKeepsTheCallWaitingUntilItServes() throws Exception {
        pool.starting = 1;
        CompletableFuture<Slot> waiter = queue.acquire(SHORT, Duration.ofMinutes(1));

        Thread.sleep(SHORT.multipliedBy(6).toMillis());
        assertThat(waiter).as("past its slot bound, still waiting for the environment that is starting").isNotDone();

        pool.free = 1;
        pool.starting = 0;
        pool.listener.slotsAvailable();
        assertThat(waiter.get(30, TimeUnit.SECONDS).transport()).isEqualTo(ControlledPool.TRANSPORT);
    }

    @Test
    void aStartThatNeverFinishesEndsInAThrottleAtTheStartBound() {
        pool.starting = 1;
        CompletableFuture<Slot> waiter = queue.acquire(SHORT, SHORT.multipliedBy(4));

        await().atMost(Duration.ofSeconds(30)).until(waiter::isDone);
        assertThat(waiter).failsWithin(Duration.ZERO).withThrowableThat()
                .havingCause().isInstanceOf(SlotQueue.WaitTimedOut.class);
    }

    /** One environment's worth of state that the test sets. */
    private static final class ControlledPool implements EnvironmentPool {
        static final Transport TRANSPORT = new Transport.Http(new InetSocketAddress("127.0.0.1", 9));
        volatile int starting;
        volatile int free;
        PoolListener listener;

        @Override
        public VersionRef version() {
            return new VersionRef("default", "fn", "$LATEST");
        }

        @Override
        public int slotsPerEnvironment() {
            return 1;
        }

        @Override
        public synchronized Optional<Slot> tryAcquire() {
            if (free == 0) {
                return Optional.empty();
            }
            free--;
            return Optional.of(new Slot() {
                @Override
                public Transport transport() {
                    return TRANSPORT;
                }

                @Override
                public boolean mayWaitInEnvironment() {
                    return true;
                }

                @Override
                public void release() {
                }
            });
        }

        @Override
        public void scaleTo(int environments, int provisioned) {
        }

        @Override
        public PoolState state() {
            return new PoolState(starting + (free > 0 ? 1 : 0), free > 0 ? 1 : 0, 0, 1);
        }

        @Override
        public void listener(PoolListener listener) {
            this.listener = listener;
        }

        @Override
        public void close() {
        }
    }
}
