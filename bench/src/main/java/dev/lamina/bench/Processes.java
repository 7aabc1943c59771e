package dev.lamina.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Stopping the processes a benchmark started. */
final class Processes {

    private Processes() {
    }

    /** SIGTERM, then SIGKILL if the process is still there after {@code grace}. */
    static void stop(Process process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
