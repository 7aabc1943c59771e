package dev.lamina.shim.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** A log sink that keeps the function log's lines for assertions. */
public final class LogLines implements Consumer<String> {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void accept(String line) {
        lines.add(line);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The first line matching, waiting for it (generous bound: this is about order, not speed). */
    public String await(Predicate<String> matching) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : lines) {
                if (matching.test(line)) {
                    return line;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no log line matched within 30 s; log was:\n" + String.join("\n", lines));
    }

    public String awaitContaining(String text) {
        return await(line -> line.contains(text));
    }
}
