package dev.lamina.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP origin on loopback for distribution tests, one per test JVM. It counts the requests to each path and
 * answers by path: {@code /static/…} with {@code Cache-Control: max-age=60} (but {@code /static/plain.css} with no
 * Cache-Control), {@code /missing…} with 404, {@code /slow…} after 3 s, anything else with the request it received
 * as JSON, not cacheable.
 */
public final class TestOrigin {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestOrigin shared;

    private final HttpServer server;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    private TestOrigin() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::answer);
        server.start();
    }

    public static synchronized TestOrigin shared() {
        if (shared == null) {
            try {
                shared = new TestOrigin();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** How many requests for this path (without query) the origin has had. */
    public int requests(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    /** A loopback port nothing listens on. */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            int count = requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.startsWith("/slow")) {
                Thread.sleep(3_000);
            }
            byte[] answer;
            int status = 200;
            if (path.startsWith("/missing")) {
                status = 404;
                answer = "not here".getBytes(StandardCharsets.UTF_8);
            } else if (path.startsWith("/static/")) {
                if (!path.equals("/static/plain.css")) {
                    exchange.getResponseHeaders().set("Cache-Control", "max-age=60");
                }
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                answer = ("static " + path + " #" + count).getBytes(StandardCharsets.UTF_8);
            } else {
                Map<String, String> headers = new LinkedHashMap<>();
                exchange.getRequestHeaders().forEach((name, values) ->
                        headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
                Map<String, Object> seen = new LinkedHashMap<>();
                seen.put("method", exchange.getRequestMethod());
                seen.put("path", path);
                seen.put("query", exchange.getRequestURI().getRawQuery());
                seen.put("headers", headers);
                seen.put("body", new String(body, StandardCharsets.UTF_8));
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                answer = JSON.writeValueAsBytes(seen);
            }
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
