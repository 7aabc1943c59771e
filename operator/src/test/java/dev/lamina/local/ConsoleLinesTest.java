package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ConsoleLinesTest {

    @Test
    void everyLineIsPrintedOnceInTheOrderEachWriterGaveIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleLines console = new ConsoleLines(new PrintStream(bytes, false, StandardCharsets.UTF_8));
        int writers = 4;
        int perWriter = 20_000;
        CountDownLatch done = new CountDownLatch(writers);
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perWriter; i++) {
                    console.println("[w" + writer + "] line " + i + " é");
                }
                done.countDown();
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();

        console.close();

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(writers * perWriter);
        for (int w = 0; w < writers; w++) {
            String prefix = "[w" + w + "] ";
            List<String> own = new ArrayList<>(lines.stream().filter(line -> line.startsWith(prefix)).toList());
            assertThat(own).hasSize(perWriter);
            for (int i = 0; i < perWriter; i++) {
                assertThat(own.get(i)).isEqualTo(prefix + "line " + i + " é");
            }
        }
    }

    @Test
    void aLineLongerThanABatchIsPrintedWhole() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleLines console = new ConsoleLines(new PrintStream(bytes, false, StandardCharsets.UTF_8));
        String longLine = "x".repeat(200_000);
        console.println("before");
        console.println(longLine);
        console.println("after");

        console.close();

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList())
                .containsExactly("before", longLine, "after");
    }
}
