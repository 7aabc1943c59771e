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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A caller of the shim's invoke endpoint, over real HTTP, with a client of its own: one shared by every test let a
 * client stuck in one test (a call never completed) take every later test's calls with it, and its pooled
 * connections outlived the shims they went to, whose ports later shims may get again.
 */
public final class Invoker {

    /** Longer than any request's timeout here (90 s), so that those report first. */
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(100);

    private final InetSocketAddress address;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

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

    private CompletableFuture<Reply> send(HttpRequest request) {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Reply(response.statusCode(), response.headers(), response.body()));
    }

    /**
     * The reply, within {@link #ANSWER_WAIT}: a request's timeout bounds only the wait for the response's headers, and
     * {@code join} ignores the interrupt of a JUnit timeout, so an answer that never completes must not hang the run.
     */
    private static Reply await(CompletableFuture<Reply> reply) {
        try {
            return reply.get(ANSWER_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw new IllegalStateException(failed.getCause());
        } catch (TimeoutException late) {
            reply.cancel(true);
            throw new AssertionError("no complete answer within " + ANSWER_WAIT, late);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for an answer", interrupted);
        }
    }
}
