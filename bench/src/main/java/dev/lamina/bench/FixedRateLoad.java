package dev.lamina.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open loop at a fixed rate over a few keep-alive connections ({@link MiniHttp}, one per endpoint): request i
 * leaves at start + i / rate whatever happened to the ones before, waiting for a free connection when all are busy,
 * and its latency counts from that planned time, so a stall shows in the percentiles instead of holding back the
 * requests behind it. Neither hey ({@code -q} only caps each worker's rate, closed loop, in steps of 0.1 ms) nor wrk
 * does that.
 */
final class FixedRateLoad implements AutoCloseable {

    record Endpoint(int port, String path) {
    }

    /** Latencies from each request's planned time, sorted, with the requests that did not get a 200. */
    record Latencies(long[] sortedNanos, long non200, long errors) {

        double micros(double percentile) {
            int index = (int) Math.ceil(percentile / 100 * sortedNanos.length) - 1;
            return sortedNanos[Math.clamp(index, 0, sortedNanos.length - 1)] / 1e3;
        }

        boolean clean() {
            return non200 == 0 && errors == 0;
        }
    }

    private static final byte[] EVENT = "{}".getBytes(StandardCharsets.UTF_8);

    /** One connection to one endpoint, replaced when it fails. */
    private static final class Link {
        private final Endpoint endpoint;
        private MiniHttp http;

        Link(Endpoint endpoint) throws IOException {
            this.endpoint = endpoint;
            this.http = new MiniHttp(endpoint.port());
        }

        /** The answer's status, or -1 when the request failed (the connection is then opened again). */
        int invoke() {
            try {
                return http.post(endpoint.path(), EVENT).status();
            } catch (IOException e) {
                try {
                    http.close();
                    http = new MiniHttp(endpoint.port());
                } catch (IOException stillDown) {
                    // The next request on this link tries again.
                }
                return -1;
            }
        }

        void close() throws IOException {
            http.close();
        }
    }

    private final List<Link> links = new ArrayList<>();
    private final LinkedBlockingQueue<Link> idle = new LinkedBlockingQueue<>();

    FixedRateLoad(List<Endpoint> endpoints) throws IOException {
        for (Endpoint e : endpoints) {
            Link link = new Link(e);
            links.add(link);
            idle.add(link);
        }
    }

    /** Warm-up: every connection sends its next request as soon as the previous one is answered. */
    void backToBack(Duration duration) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (Link link : links) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    link.invoke();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    Latencies run(int rate, Duration duration) throws InterruptedException {
        int total = (int) (rate * duration.toSeconds());
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long[] latencies = new long[total];
        AtomicLong non200 = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            for (int i = 0; i < total; i++) {
                long planned = start + i * interval;
                for (long wait = planned - System.nanoTime(); wait > 0; wait = planned - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                int index = i;
                senders.execute(() -> {
                    try {
                        Link link = idle.take();
                        int status = link.invoke();
                        idle.add(link);
                        latencies[index] = System.nanoTime() - planned;
                        if (status < 0) {
                            errors.incrementAndGet();
                        } else if (status != 200) {
                            non200.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        }
        Arrays.sort(latencies);
        return new Latencies(latencies, non200.get(), errors.get());
    }

    @Override
    public void close() throws IOException {
        for (Link link : links) {
            link.close();
        }
    }
}
