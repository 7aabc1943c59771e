package dev.lamina.shim.telemetry;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One extension's subscription: the telemetry types it wants, its buffer, and the batches posted to its listener, one
 * at a time. A batch goes when the buffer holds {@code maxItems} events or {@code maxBytes}, or {@code timeoutMs} after
 * its first event. Confined to the shim's event loop.
 */
final class Subscription {

    final String extension;
    final Set<String> types;
    private final int maxItems;
    private final int maxBytes;
    private final int timeoutMs;
    private final Destination destination;
    private final ArrayDeque<byte[]> buffer = new ArrayDeque<>();
    private int bufferedBytes;
    private ScheduledFuture<?> timer;
    private boolean posting;

    Subscription(String extension, Set<String> types, int maxItems, int maxBytes, int timeoutMs,
                 Destination destination) {
        this.extension = extension;
        this.types = types;
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
        this.timeoutMs = timeoutMs;
        this.destination = destination;
    }

    void add(EventLoop loop, byte[] event) {
        buffer.add(event);
        bufferedBytes += event.length;
        schedule(loop);
    }

    /** Posts what is buffered now, unless a batch is on its way (the rest follows it). */
    void flush(EventLoop loop) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (posting || buffer.isEmpty()) {
            return;
        }
        ByteArrayOutputStream batch = new ByteArrayOutputStream(Math.min(bufferedBytes, maxBytes) + 2);
        batch.write('[');
        int items = 0;
        while (!buffer.isEmpty() && items < maxItems
                && (items == 0 || batch.size() + buffer.peek().length < maxBytes)) {
            byte[] event = buffer.poll();
            bufferedBytes -= event.length;
            if (items++ > 0) {
                batch.write(',');
            }
            batch.writeBytes(event);
        }
        batch.write(']');
        posting = true;
        BatchPoster.post(loop, destination, batch.toByteArray(), () -> {
            posting = false;
            schedule(loop);
        });
    }

    private void schedule(EventLoop loop) {
        if (buffer.isEmpty() || posting) {
            return;
        }
        if (buffer.size() >= maxItems || bufferedBytes >= maxBytes) {
            flush(loop);
        } else if (timer == null) {
            timer = loop.schedule(() -> {
                timer = null;
                flush(loop);
            }, timeoutMs, TimeUnit.MILLISECONDS);
        }
    }
}
