package dev.lamina.gateway;

import dev.lamina.edge.EdgeHeaders;
import dev.lamina.edge.EdgeRequest;
import dev.lamina.edge.EdgeResponse;
import dev.lamina.edge.OriginRequests;
import dev.lamina.urls.FunctionUrls;
import dev.lamina.urls.HttpHeader;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Sends a distribution's request to its origin over HTTP and reads the whole answer, on the event loop. Where it
 * goes is the request's {@code origin} (an origin-request function may have changed it); an origin that is a Function
 * URL of this gateway ({@code <url-id>.lambda-url.…}) is reached on the gateway's own address, so it needs no DNS.
 */
final class OriginClient {

    /** Headers that belong to one connection (RFC 9110 §7.6.1), and the length, which the body sets. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "content-length");

    /** The largest origin answer read; a larger one is a 502, as an origin that broke the connection would be. */
    static final long MAX_ANSWER_BYTES = 32L * 1024 * 1024;

    /** What the origin did. */
    sealed interface OriginAnswer {
        record Answered(EdgeResponse response) implements OriginAnswer {
        }

        /** It could not be reached, or broke off: a 502. */
        record Unreachable(String reason) implements OriginAnswer {
        }

        /** It did not answer within the origin's read timeout: a 504. */
        record TimedOut(String reason) implements OriginAnswer {
        }
    }

    private final HttpClient client;

    OriginClient(Vertx vertx) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(5)
                        .setTcpNoDelay(true).setConnectTimeout(10_000).setMaxInitialLineLength(16384)
                        .setMaxHeaderSize(64 * 1024).setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(-1));
    }

    /**
     * Sends {@code request} (with its {@code origin} filled) and reads the answer.
     *
     * @param gateway where this gateway listens, for origins that are its own Function URLs
     */
    Future<OriginAnswer> send(EdgeRequest request, SocketAddress gateway) {
        EdgeRequest.Origin origin = request.origin();
        boolean ownUrl = FunctionUrls.idFromHost(origin.domainName()).isPresent();
        boolean https = origin.protocol().equals("https") && !ownUrl;
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.valueOf(request.method()))
                .setHost(ownUrl ? gateway.host() : origin.domainName())
                .setPort(ownUrl ? gateway.port() : origin.port())
                .setSsl(https)
                .setURI(OriginRequests.pathAndQuery(request))
                .setIdleTimeout(origin.readTimeout() * 1000L);
        for (HttpHeader line : request.headers().lines()) {
            if (!NOT_FORWARDED.contains(line.name().toLowerCase(Locale.ROOT))) {
                options.addHeader(line.name(), line.value());
            }
        }
        // The origin's custom headers as the request has them now (an origin-request function may have changed them).
        origin.customHeaders().lines().forEach(line -> options.putHeader(line.name(), line.value()));
        // This gateway tells its Function URLs by their host, whatever the viewer's was.
        if (ownUrl || !request.headers().contains("host")) {
            options.putHeader("Host", origin.domainName());
        }
        return client.request(options)
                .compose(sent -> sent.send(Buffer.buffer(request.rawBody())))
                .compose(OriginClient::read)
                .map(response -> (OriginAnswer) new OriginAnswer.Answered(response))
                .otherwise(OriginClient::failed);
    }

    private static Future<EdgeResponse> read(HttpClientResponse response) {
        Promise<EdgeResponse> read = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > MAX_ANSWER_BYTES) {
                read.tryFail("the origin's answer is larger than " + MAX_ANSWER_BYTES + " bytes");
                response.request().reset();
            } else {
                body.appendBuffer(chunk);
            }
        });
        response.exceptionHandler(read::tryFail);
        response.endHandler(end -> {
            List<HttpHeader> lines = new ArrayList<>(response.headers().size());
            for (Map.Entry<String, String> header : response.headers()) {
                if (!NOT_FORWARDED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                    lines.add(new HttpHeader(header.getKey(), header.getValue()));
                }
            }
            read.tryComplete(new EdgeResponse(response.statusCode(), response.statusMessage(),
                    EdgeHeaders.of(lines), body.getBytes()));
        });
        return read.future();
    }

    private static OriginAnswer failed(Throwable failure) {
        String reason = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        boolean timedOut = failure instanceof TimeoutException
                || failure.getClass().getSimpleName().contains("Timeout") && !reason.contains("connection timed out");
        return timedOut ? new OriginAnswer.TimedOut(reason) : new OriginAnswer.Unreachable(reason);
    }
}
