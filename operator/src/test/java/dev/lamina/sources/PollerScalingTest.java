package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PollerScalingTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    @Test
    void startsWithFiveLoopsOrTheCeilingIfLower() {
        assertThat(new PollerScaling(1000, 0).target()).isEqualTo(5);
        assertThat(new PollerScaling(2, 0).target()).isEqualTo(2);
    }

    @Test
    void fullReceivesAddAtMost300LoopsAMinute() {
        PollerScaling scaling = new PollerScaling(1000, 0);
        for (long t = 10 * MS; t <= 60 * SECOND; t += 10 * MS) {
            scaling.full(t);
        }
        assertThat(scaling.target()).isEqualTo(5 + 300);
    }

    @Test
    void aCalmSpellSavesUpOnlyOneSecondOfGrowth() {
        PollerScaling scaling = new PollerScaling(1000, 0);
        for (int i = 0; i < 100; i++) {
            scaling.full(3600 * SECOND);
        }
        assertThat(scaling.target()).isEqualTo(5 + 5);
    }

    @Test
    void neverGrowsPastTheCeiling() {
        PollerScaling scaling = new PollerScaling(8, 0);
        for (long t = SECOND; t <= 60 * SECOND; t += SECOND) {
            scaling.full(t);
        }
        assertThat(scaling.target()).isEqualTo(8);
    }

    @Test
    void emptyReceivesShrinkBackToFive() {
        PollerScaling scaling = new PollerScaling(1000, 0);
        for (long t = SECOND; t <= 10 * SECOND; t += SECOND) {
            scaling.full(t);
        }
        assertThat(scaling.target()).isEqualTo(15);
        scaling.empty();
        assertThat(scaling.target()).isEqualTo(14);
        for (int i = 0; i < 20; i++) {
            scaling.empty();
        }
        assertThat(scaling.target()).isEqualTo(5);
    }

    @Test
    void throttlesShrinkDownToOne() {
        PollerScaling scaling = new PollerScaling(1000, 0);
        for (int i = 0; i < 10; i++) {
            scaling.throttled();
        }
        assertThat(scaling.target()).isEqualTo(1);
        scaling.full(SECOND);
        assertThat(scaling.target()).isEqualTo(2);
    }

    @Test
    void aLowerCeilingCutsTheTargetAndAHigherOneLetsItGrowAgain() {
        PollerScaling scaling = new PollerScaling(1000, 0);
        scaling.ceiling(3);
        assertThat(scaling.target()).isEqualTo(3);
        scaling.ceiling(50);
        assertThat(scaling.target()).isEqualTo(3);
        scaling.full(SECOND);
        assertThat(scaling.target()).isEqualTo(4);
    }

    @Test
    void ceilingIsTheMaximumConcurrencyElseTheReservedConcurrencyAndNeverAboveIt() {
        assertThat(PollerScaling.ceiling(null, null)).isEqualTo(1000);
        assertThat(PollerScaling.ceiling(50, null)).isEqualTo(50);
        assertThat(PollerScaling.ceiling(null, 20)).isEqualTo(20);
        assertThat(PollerScaling.ceiling(50, 20)).isEqualTo(20);
        assertThat(PollerScaling.ceiling(null, 5000)).isEqualTo(1000);
        assertThat(PollerScaling.ceiling(null, 0)).isEqualTo(1);
    }
}
