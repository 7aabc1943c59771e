package dev.lamina.async;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Executors;

/**
 * Run as a separate JVM by {@link EventStoreKillTest}: adds events to the store in {@code args[0]} from many
 * concurrent writers, forever, and prints {@code ACK <id>} for each event whose add has completed (the point at which
 * the gateway answers 202).
 */
public final class StoreWriterProcess {

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        var store = SqliteEventStore.open(Path.of(args[0]));
        int writers = Integer.parseInt(args[1]);
        out.println("READY");
        out.flush();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < writers; w++) {
                int writer = w;
                pool.execute(() -> {
                    for (long i = 0; ; i++) {
                        String id = writer + "-" + i;
                        store.add(AsyncEvent.accepted(id, new FunctionRef("default", "fn", null),
                                "{}".getBytes(StandardCharsets.UTF_8), null, Instant.now())).join();
                        synchronized (out) {
                            out.println("ACK " + id);
                            out.flush();
                        }
                    }
                });
            }
        }
    }
}
