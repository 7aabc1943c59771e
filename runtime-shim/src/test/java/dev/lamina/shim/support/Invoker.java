package dev.lamina.shim.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/** A caller of the shim's invoke endpoint, over real HTTP. */
public final class Invoker {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private final InetSocketAddress address;

    public Invoker(InetSocketAddress address) {
        this.address = address;
    }

    public record Reply(int status, HttpHeaders headers, String body) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** The decoded {@code X-Amz-Log-Result}. */
        public String logResult() {
            String encoded = header("X-Amz-Log-Result");
            return encoded == null ? null : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        }
    }

    public Reply invoke(String event, String... headers) {
        return await(invokeAsync(event, headers));
    }

    public CompletableFuture<Reply> invokeAsync(String event, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/2015-03-31/functions/function/invocations"))
                .timeout(Duration.ofSeconds(90))
                .POST(HttpRequest.BodyPublishers.ofString(event));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    public Reply get(String path) {
        return await(send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build()));
    }

    public Reply send(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return await(send(request.build()));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + address.getPort() + path);
    }

    private static CompletableFuture<Reply> send(HttpRequest request) {
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Reply(response.statusCode(), response.headers(), response.body()));
    }

    private static Reply await(CompletableFuture<Reply> reply) {
        try {
            return reply.join();
        } catch (RuntimeException failed) {
            if (failed.getCause() instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw failed;
        }
    }
}
