package dev.lamina.shim.logs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlatformLinesTest {

    @Test
    void startAndEndLines() {
        assertThat(PlatformLines.start("abc", "$LATEST")).isEqualTo("START RequestId: abc Version: $LATEST");
        assertThat(PlatformLines.end("abc")).isEqualTo("END RequestId: abc");
    }

    @Test
    void reportOfAColdStartIsLambdasExactLine() {
        String report = PlatformLines.report("abc", 102_250_000L, 128, 71L * 1024 * 1024, 184_580_000L, null, null);

        assertThat(report).isEqualTo("REPORT RequestId: abc\tDuration: 102.25 ms\tBilled Duration: 103 ms"
                + "\tMemory Size: 128 MB\tMax Memory Used: 71 MB\tInit Duration: 184.58 ms");
    }

    @Test
    void reportOfAWarmInvocationHasNoInitDuration() {
        assertThat(PlatformLines.report("abc", 1_000_000L, 256, 1, -1, null, null)).isEqualTo(
                "REPORT RequestId: abc\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 256 MB\tMax Memory Used: 1 MB");
    }

    @Test
    void durationsAreRoundedHalfUpToHundredthsAndBilledUpToTheMillisecond() {
        assertThat(PlatformLines.report("abc", 4_999L, 128, 0, 5_000L, null, null)).isEqualTo("REPORT RequestId: abc"
                + "\tDuration: 0.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 0 MB"
                + "\tInit Duration: 0.01 ms");
        assertThat(PlatformLines.report("abc", 1_999_994_999L, 128, 0, -1, null, null))
                .contains("\tDuration: 1999.99 ms\tBilled Duration: 2000 ms");
        assertThat(PlatformLines.report("abc", 2_000_000_001L, 128, 0, -1, null, null))
                .contains("\tDuration: 2000.00 ms\tBilled Duration: 2001 ms");
        assertThat(PlatformLines.report("abc", 12_305_000L, 128, 0, -1, null, null)).contains("\tDuration: 12.31 ms");
    }

    @Test
    void reportOfAnInvocationThePlatformEndedHasItsStatus() {
        assertThat(PlatformLines.report("abc", 3_000_000_000L, 128, 0, -1, "timeout", null))
                .endsWith("\tMax Memory Used: 0 MB\tStatus: timeout");
        assertThat(PlatformLines.report("abc", 1_000_000L, 128, 0, 5_000_000L, "error", "Runtime.ExitError"))
                .endsWith("\tInit Duration: 5.00 ms\tStatus: error\tError Type: Runtime.ExitError");
    }

    @Test
    void tailKeepsTheLastFourKilobytes() {
        TailBuffer tail = new TailBuffer();
        for (int i = 0; i < 1000; i++) {
            tail.append("line " + i);
        }

        String kept = new String(tail.bytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(tail.bytes()).hasSize(TailBuffer.LIMIT);
        assertThat(kept).endsWith("line 998\nline 999\n").doesNotContain("line 1\n");
    }
}
