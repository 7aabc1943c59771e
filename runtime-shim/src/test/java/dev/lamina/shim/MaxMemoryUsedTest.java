package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.shim.support.Invoker;
import dev.lamina.shim.support.LogLines;
import dev.lamina.shim.support.Runtimes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Max Memory Used in the REPORT line, for a runtime that starts processes of its own (sidecar mode: {@code ShimJarIT}).
 */
@Timeout(120)
class MaxMemoryUsedTest {

    private static final Pattern MAX_MEMORY_USED = Pattern.compile("\tMax Memory Used: (\\d+) MB");
    private static final int HELD_MB = 24;

    @TempDir
    Path taskRoot;

    private final LogLines log = new LogLines();

    @Test
    void theReportOfAnInvocationCountsTheProcessesItStartedGrandchildrenToo() throws Exception {
        Path bootstrap = Runtimes.holdingMemory(taskRoot, HELD_MB);
        try (Shim shim = Shim.start(ShimConfig.builder()
                .functionName("bash-fn")
                .timeout(Duration.ofSeconds(60))
                .workingDirectory(taskRoot)
                .runtimeCommand(bootstrap.toString())
                .logSink(log)
                .build())) {
            Invoker.Reply reply = new Invoker(shim.invokeAddress()).invoke("{}", "Lamina-Request-Id", "grow-1");

            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.header("X-Amz-Function-Error")).as(reply.body()).isNull();
            Matcher report = MAX_MEMORY_USED.matcher(log.await(line -> line.startsWith("REPORT RequestId: grow-1\t")));
            assertThat(report.find()).isTrue();
            assertThat(Integer.parseInt(report.group(1))).isGreaterThanOrEqualTo(HELD_MB);
        }
    }
}
