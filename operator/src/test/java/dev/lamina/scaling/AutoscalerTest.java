package dev.lamina.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AutoscalerTest {

    private static final long SECOND = 1_000_000_000L;
    private static final ScalingPolicy POLICY =
            new ScalingPolicy(Duration.ofSeconds(60), Duration.ofSeconds(6), 2.0, Duration.ofSeconds(1), 100);

    private final Autoscaler autoscaler = new Autoscaler(POLICY);

    private static ScalingBounds bounds(int provisioned, int max, int idleSeconds) {
        return new ScalingBounds(provisioned, max, 1, 1.0, Duration.ofSeconds(idleSeconds));
    }

    @Test
    void waitingDemandOnAnIdleVersionStartsEnvironmentsAtOnce() {
        assertThat(autoscaler.onDemand(0, 1, 0, 0, bounds(0, 1000, 300))).isEqualTo(1);
        assertThat(autoscaler.onDemand(SECOND / 10, 50, 1, 0, bounds(0, 1000, 300))).isEqualTo(50);
    }

    @Test
    void immediateDecisionsNeverShrinkTheVersion() {
        assertThat(autoscaler.onDemand(0, 2, 10, 0, bounds(0, 1000, 300))).isEqualTo(10);
    }

    @Test
    void steadyDemandKeepsAsManyEnvironmentsAsTheStableAverageNeeds() {
        int wanted = 0;
        for (int s = 1; s <= 120; s++) {
            wanted = autoscaler.tick(s * SECOND, 3.5, 3, Math.max(wanted, 4), 0, bounds(0, 1000, 300));
        }
        assertThat(wanted).isEqualTo(4);
        assertThat(autoscaler.panicking()).isFalse();
    }

    @Test
    void aBurstPanicsAndTheCountDoesNotDropWhilePanicking() {
        int environments = 2;
        for (int s = 1; s <= 60; s++) {
            environments = autoscaler.tick(s * SECOND, 2, 2, environments, 0, bounds(0, 1000, 1));
        }
        assertThat(environments).isEqualTo(2);
        for (int s = 61; s <= 63; s++) {
            environments = autoscaler.tick(s * SECOND, 20, 20, environments, 0, bounds(0, 1000, 1));
        }
        assertThat(autoscaler.panicking()).isTrue();
        assertThat(environments).as("the panic window's average, not the stable one's").isGreaterThan(5);
        int during = autoscaler.tick(64 * SECOND, 2, 2, environments, 0, bounds(0, 1000, 1));
        assertThat(during).as("demand fell, but panic holds the count").isEqualTo(environments);
    }

    @Test
    void panicEndsAStableWindowAfterTheBurst() {
        int environments = 1;
        environments = autoscaler.tick(SECOND, 10, 10, environments, 0, bounds(0, 1000, 1));
        assertThat(autoscaler.panicking()).isTrue();
        for (int s = 2; s <= 62; s++) {
            environments = autoscaler.tick(s * SECOND, 1, 1, environments, 0, bounds(0, 1000, 1));
        }
        assertThat(autoscaler.panicking()).isFalse();
        for (int s = 63; s <= 130; s++) {
            environments = autoscaler.tick(s * SECOND, 1, 1, environments, 0, bounds(0, 1000, 1));
        }
        assertThat(environments).isEqualTo(1);
    }

    @Test
    void aCountStaysForTheIdleTimeoutAfterTheDemandThatJustifiedIt() {
        ScalingBounds b = bounds(0, 1000, 30);
        int environments = autoscaler.onDemand(0, 8, 0, 0, b);
        assertThat(environments).isEqualTo(8);
        for (int s = 1; s < 30; s++) {
            environments = autoscaler.tick(s * SECOND, s == 1 ? 4 : 1, 1, environments, 0, b);
        }
        assertThat(environments).as("still within the idle timeout of the 8").isEqualTo(8);
        for (int s = 30; s <= 40; s++) {
            environments = autoscaler.tick(s * SECOND, 1, 1, environments, 0, b);
        }
        assertThat(environments).isLessThan(8).isPositive();
    }

    @Test
    void aVersionWithoutDemandForItsIdleTimeoutGoesToZero() {
        ScalingBounds b = bounds(0, 1000, 10);
        int environments = autoscaler.onDemand(0, 1, 0, 0, b);
        for (int s = 1; s < 10; s++) {
            environments = autoscaler.tick(s * SECOND, 0, 0, environments, 0, b);
            assertThat(environments).as("second %d", s).isEqualTo(1);
        }
        assertThat(autoscaler.tick(10 * SECOND, 0, 0, environments, 0, b)).isZero();
    }

    @Test
    void provisionedEnvironmentsStayWithoutAnyDemand() {
        ScalingBounds b = bounds(3, 1000, 1);
        assertThat(autoscaler.tick(SECOND, 0, 0, 0, 0, b)).isEqualTo(3);
        assertThat(autoscaler.tick(100 * SECOND, 0, 0, 3, 0, b)).isEqualTo(3);
    }

    @Test
    void theConcurrencyLimitCapsEnvironments() {
        assertThat(autoscaler.onDemand(0, 50, 0, 0, bounds(0, 3, 300))).isEqualTo(3);
        assertThat(autoscaler.tick(SECOND, 50, 50, 3, 0, bounds(0, 3, 300))).isEqualTo(3);
    }

    @Test
    void onlySoManyEnvironmentsInitialiseAtOnce() {
        Autoscaler limited = new Autoscaler(new ScalingPolicy(Duration.ofSeconds(60), Duration.ofSeconds(6), 2.0,
                Duration.ofSeconds(1), 10));
        assertThat(limited.onDemand(0, 50, 0, 0, bounds(0, 1000, 300))).isEqualTo(10);
        assertThat(limited.onDemand(1, 50, 10, 10, bounds(0, 1000, 300))).as("all ten still starting").isEqualTo(10);
        assertThat(limited.onDemand(2, 50, 10, 4, bounds(0, 1000, 300))).as("six became ready").isEqualTo(16);
        assertThat(limited.tick(SECOND, 50, 50, 16, 10, bounds(0, 1000, 300))).isEqualTo(16);
        assertThat(limited.tick(2 * SECOND, 0, 0, 16, 0, bounds(0, 1000, 1))).as("shrinking is not limited")
                .isLessThan(16);
    }

    @Test
    void slotsPerEnvironmentAndTargetUtilizationDivideTheDemand() {
        ScalingBounds fourSlotsAtHalf = new ScalingBounds(0, 1000, 4, 0.5, Duration.ofSeconds(300));
        assertThat(fourSlotsAtHalf.environmentsFor(8)).isEqualTo(4);
        assertThat(fourSlotsAtHalf.environmentsFor(9)).isEqualTo(5);
        assertThat(fourSlotsAtHalf.environmentsFor(0)).isZero();
        assertThat(new ScalingBounds(0, 1000, 1, 1.0, Duration.ofSeconds(1)).environmentsFor(0.01)).isEqualTo(1);
    }
}
