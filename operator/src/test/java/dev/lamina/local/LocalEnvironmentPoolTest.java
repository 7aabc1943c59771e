package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.environments.PoolListener;
import dev.lamina.environments.StartBackoff;
import dev.lamina.environments.VersionRef;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An environment that cannot start is not started again on every scaling tick or call: the pool waits out the
 * backoff, and meanwhile answers calls waiting for a version with no environment with the reason at once.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LocalEnvironmentPoolTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger starts = new AtomicInteger();
    private final List<String> toldWaiters = new CopyOnWriteArrayList<>();
    private final LocalEnvironmentPool pool = new LocalEnvironmentPool(new VersionRef("default", "fn", "$LATEST"), 1,
            provisioned -> {
                starts.incrementAndGet();
                throw new IllegalArgumentException("bootstrap is not executable");
            }, Runnable::run, Runnable::run, Duration.ofSeconds(1), new StartBackoff(now::get));

    LocalEnvironmentPoolTest() {
        pool.listener(new PoolListener() {
            @Override
            public void slotsAvailable() {
            }

            @Override
            public void startFailed(String message) {
                toldWaiters.add(message);
            }
        });
    }

    @Test
    void aFailedStartIsTriedAgainAfterTheBackoffOnly() {
        pool.scaleTo(1, 0);
        assertThat(starts).hasValue(1);
        assertThat(toldWaiters).containsExactly("bootstrap is not executable");

        for (int tick = 0; tick < 10; tick++) {
            pool.scaleTo(1, 0);
        }
        assertThat(starts).as("no start while held back").hasValue(1);
        assertThat(toldWaiters).as("waiting calls get the reason at once, not at their wait bound").hasSize(11)
                .containsOnly("bootstrap is not executable");
        assertThat(pool.state().environments()).isZero();

        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        pool.scaleTo(1, 0);
        assertThat(starts).as("tried again after a second").hasValue(2);
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        pool.scaleTo(1, 0);
        assertThat(starts).as("then after two").hasValue(2);
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        pool.scaleTo(1, 0);
        assertThat(starts).hasValue(3);
    }

    @Test
    void scalingToZeroIsNoFailure() {
        pool.scaleTo(1, 0);
        pool.scaleTo(0, 0);
        assertThat(toldWaiters).as("nobody waits when no environment is wanted").hasSize(1);
    }
}
