package dev.lamina.async;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** A real HTTP endpoint on 127.0.0.1 that records what is POSTed to it, and can be told to fail first. */
public final class Webhook implements AutoCloseable {

    private final HttpServer server;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final List<String> everything = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();

    public Webhook() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", exchange -> {
            requests.incrementAndGet();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean fail = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            if (!fail) {
                received.add(body);
                everything.add(body);
            }
            exchange.sendResponseHeaders(fail ? 503 : 204, -1);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The next {@code n} requests are answered 503. */
    public void failNext(int n) {
        failuresLeft.set(n);
    }

    /** The next record delivered, waiting generously. */
    public String next() throws InterruptedException {
        String body = received.poll(30, TimeUnit.SECONDS);
        if (body == null) {
            throw new AssertionError("no record reached the webhook within 30 s");
        }
        return body;
    }

    /** Every record delivered so far that matches, waiting (generously) until there are {@code count}. */
    public List<String> await(int count, Predicate<String> matching) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<String> found = everything.stream().filter(matching).toList();
            if (found.size() >= count) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + found.size() + " of " + count + " records reached the webhook within 60 s");
            }
            Thread.sleep(20);
        }
    }

    /** A record delivered within a short while, or null. */
    public String poll(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
