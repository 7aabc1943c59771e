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
        String report = PlatformLines.report("abc", 102_250_000L, 128, 71L * 1024 * 1024, 184_580_000L);

        assertThat(report).isEqualTo("REPORT RequestId: abc\tDuration: 102.25 ms\tBilled Duration: 103 ms"
                + "\tMemory Size: 128 MB\tMax Memory Used: 71 MB\tInit Duration: 184.58 ms");
    }

    @Test
    void reportOfAWarmInvocationHasNoInitDuration() {
        assertThat(PlatformLines.report("abc", 1_000_000L, 256, 1, -1)).isEqualTo(
                "REPORT RequestId: abc\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 256 MB\tMax Memory Used: 1 MB");
    }

    @Test
    void durationsAreRoundedHalfUpToHundredthsAndBilledUpToTheMillisecond() {
        assertThat(PlatformLines.report("abc", 4_999L, 128, 0, 5_000L)).isEqualTo("REPORT RequestId: abc"
                + "\tDuration: 0.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 0 MB"
                + "\tInit Duration: 0.01 ms");
        assertThat(PlatformLines.report("abc", 1_999_994_999L, 128, 0, -1))
                .contains("\tDuration: 1999.99 ms\tBilled Duration: 2000 ms");
        assertThat(PlatformLines.report("abc", 2_000_000_001L, 128, 0, -1))
                .contains("\tDuration: 2000.00 ms\tBilled Duration: 2001 ms");
        assertThat(PlatformLines.report("abc", 12_305_000L, 128, 0, -1)).contains("\tDuration: 12.31 ms");
    }

    @Test
    void timeoutLineCarriesTimestampAndRequestId() {
        assertThat(PlatformLines.timedOut("abc", "Task timed out after 3.00 seconds"))
                .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z abc Task timed out after 3\\.00 seconds");
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
