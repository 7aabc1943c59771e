package dev.lamina.shim.logs;

import java.nio.charset.StandardCharsets;

/** The last 4 KB of one invocation's log, for {@code X-Amz-Log-Result}. Lines arrive from several threads. */
public final class TailBuffer {

    public static final int LIMIT = 4096;

    private final byte[] ring = new byte[LIMIT];
    private int start;
    private int size;

    synchronized void append(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        int from = Math.max(0, bytes.length - LIMIT);
        for (int i = from; i < bytes.length; i++) {
            ring[(start + size) % LIMIT] = bytes[i];
            if (size < LIMIT) {
                size++;
            } else {
                start = (start + 1) % LIMIT;
            }
        }
    }

    public synchronized byte[] bytes() {
        byte[] copy = new byte[size];
        for (int i = 0; i < size; i++) {
            copy[i] = ring[(start + i) % LIMIT];
        }
        return copy;
    }
}
