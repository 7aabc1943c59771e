package dev.lamina.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConcurrencyMeterTest {

    private final AtomicLong now = new AtomicLong();
    private final ConcurrencyMeter meter = new ConcurrencyMeter(now::get);

    @Test
    void averagesTheLevelOverTimeBetweenSamples() {
        meter.increment();
        now.addAndGet(500);
        meter.increment();
        now.addAndGet(500);
        assertThat(meter.sampleAverage()).isCloseTo(1.5, within(1e-9));
        assertThat(meter.level()).isEqualTo(2);
        meter.decrement();
        meter.decrement();
        now.addAndGet(1000);
        assertThat(meter.sampleAverage()).isZero();
    }

    @Test
    void aSampleWithoutElapsedTimeIsTheCurrentLevel() {
        meter.increment();
        meter.sampleAverage();
        assertThat(meter.sampleAverage()).isEqualTo(1.0);
    }
}
