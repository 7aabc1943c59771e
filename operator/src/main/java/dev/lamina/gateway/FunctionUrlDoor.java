package dev.lamina.gateway;

import dev.lamina.api.FunctionSpec;
import dev.lamina.shim.ShimContract;
import dev.lamina.urls.Caller;
import dev.lamina.urls.CorsRules;
import dev.lamina.urls.FunctionUrls;
import dev.lamina.urls.HttpAnswer;
import dev.lamina.urls.HttpCall;
import dev.lamina.urls.HttpHeader;
import dev.lamina.urls.MappedAnswer;
import dev.lamina.urls.PayloadFormat;
import dev.lamina.urls.UrlContext;
import dev.lamina.urls.UrlErrors;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Function URLs: any request to {@code <url-id>.lambda-url.<domain>} or to {@code /lambda-url/<url-id>/…} invokes
 * the URL's function (its {@code $LATEST} or alias) with the URL's payload format, and its answer is mapped back by
 * that format's rules. CORS preflights are answered here without invoking the function; {@code authType: KUBERNETES}
 * asks {@link InvokePermissions}; {@code RESPONSE_STREAM} sends the function's stream on as it is written
 * ({@link UrlResponseStream}), {@code BUFFERED} collects one ({@link CollectedUrlStream}). Runs on the event loop;
 * nothing here blocks.
 */
@ApplicationScoped
public class FunctionUrlDoor {

    private final Catalog catalog;
    private final GatewayInvoker invoker;
    private final GatewayConfig config;
    private final Accounts accounts;
    private final InvokePermissions permissions;

    public FunctionUrlDoor(Catalog catalog, GatewayInvoker invoker, GatewayConfig config, Accounts accounts,
                           InvokePermissions permissions) {
        this.catalog = catalog;
        this.invoker = invoker;
        this.config = config;
        this.accounts = accounts;
        this.permissions = permissions;
    }

    /** Ahead of every other route: a Function URL's host or path may look like anything the other doors serve. */
    void routes(@Observes Router router) {
        router.route().order(-100).handler(this::route);
    }

    private void route(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Optional<String> byHost = FunctionUrls.idFromHost(request.getHeader(HttpHeaders.HOST));
        String uri = request.uri();
        if (byHost.isEmpty() && !uri.startsWith(FunctionUrls.PATH_PREFIX)) {
            ctx.next();
            return;
        }
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        String rawQuery = query < 0 ? "" : uri.substring(query + 1);
        if (byHost.isPresent()) {
            serve(ctx, byHost.get(), path, rawQuery);
        } else {
            String rest = path.substring(FunctionUrls.PATH_PREFIX.length());
            int slash = rest.indexOf('/');
            serve(ctx, slash < 0 ? rest : rest.substring(0, slash), slash < 0 ? "/" : rest.substring(slash),
                    rawQuery);
        }
    }

    private void serve(RoutingContext ctx, String id, String rawPath, String rawQuery) {
        HttpServerRequest request = ctx.request();
        UrlTarget target = catalog.functionUrl(id);
        if (target == null) {
            error(ctx.response(), UrlErrors.NO_SUCH_URL, RequestIds.next());
            return;
        }
        FunctionSpec.FunctionUrl settings = target.settings();
        CorsRules cors = CorsRules.of(settings.cors());
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        Optional<CorsRules.PreflightAnswer> preflight = cors.preflight(request.method().name(), origin,
                request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD),
                request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS));
        if (preflight.isPresent()) {
            HttpServerResponse response = ctx.response().setStatusCode(preflight.get().statusCode());
            preflight.get().headers().forEach(h -> response.putHeader(h.name(), h.value()));
            response.putHeader(InvokeHeaders.AMZN_REQUEST_ID, RequestIds.next()).end();
            return;
        }
        BodyReader.read(request, ShimContract.MAX_PAYLOAD_BYTES, body -> {
            String requestId = RequestIds.next();
            if (body == null) {
                error(ctx.response(), UrlErrors.REQUEST_TOO_LARGE, requestId);
                return;
            }
            if (settings.authType().equals("NONE")) {
                invoke(ctx, target, cors, origin, rawPath, rawQuery, body, requestId, null);
                return;
            }
            Context context = ctx.vertx().getOrCreateContext();
            permissions.check(request.getHeader(HttpHeaders.AUTHORIZATION), target.function().namespace(),
                            target.function().name())
                    .whenComplete((decision, failure) -> context.runOnContext(v -> {
                        if (decision instanceof InvokePermissions.Decision.Allowed allowed) {
                            invoke(ctx, target, cors, origin, rawPath, rawQuery, body, requestId, allowed.caller());
                        } else if (decision != null) {
                            error(ctx.response(), UrlErrors.FORBIDDEN, requestId);
                        } else {
                            ErrorBodies.write(ctx.response(), requestId, ServiceError.service(
                                    "The caller could not be checked: " + failure.getMessage()));
                        }
                    }));
        });
    }

    private void invoke(RoutingContext ctx, UrlTarget target, CorsRules cors, String origin, String rawPath,
                        String rawQuery, Buffer body, String requestId, Caller caller) {
        HttpServerRequest request = ctx.request();
        FunctionSpec.FunctionUrl settings = target.settings();
        PayloadFormat format = PayloadFormat.of(settings.payloadFormat(), settings.multiValueHeaders());
        List<HttpHeader> headers = new ArrayList<>(request.headers().size());
        for (Map.Entry<String, String> header : request.headers()) {
            headers.add(new HttpHeader(header.getKey(), header.getValue()));
        }
        String host = request.authority() == null ? "" : request.authority().host();
        HttpCall call = new HttpCall(request.method().name(), rawPath, rawQuery, headers, body.getBytes(),
                request.remoteAddress() == null ? "127.0.0.1" : request.remoteAddress().hostAddress(),
                protocol(request), request.isSSL() ? "https" : "http", request.localAddress() == null ? 0
                : request.localAddress().port(), host, requestId, System.currentTimeMillis());
        String namespace = target.function().namespace();
        UrlContext context = UrlContext.of(accounts.accountId(namespace), target.id(), config.region(),
                target.function().name(), caller);
        InvokeRequest invocation = new InvokeRequest(namespace, target.function().name(), target.qualifier(),
                Buffer.buffer(format.event(call, context)), false, false, null,
                request.getHeader(InvokeHeaders.TRACE_ID), requestId);
        HttpServerResponse response = ctx.response();
        ResponseStream stream = settings.invokeMode().equals("RESPONSE_STREAM")
                ? new UrlResponseStream(response, cors, origin) : new CollectedUrlStream(response, cors, origin);
        invoker.invoke(invocation, stream).thenAccept(answer -> answer(response, format, cors, origin, answer));
    }

    /** A whole answer: the function's, mapped by its payload format, or the error a Function URL gives instead. */
    private static void answer(HttpServerResponse response, PayloadFormat format, CorsRules cors, String origin,
                               InvokeAnswer answer) {
        switch (answer) {
            case InvokeAnswer.Success s -> {
                switch (format.answer(s.payload().getBytes())) {
                    case MappedAnswer.Ok ok -> write(response, ok.answer(), cors, origin, s.requestId());
                    case MappedAnswer.Invalid invalid -> error(response, UrlErrors.INVALID_RESPONSE, s.requestId());
                }
            }
            case InvokeAnswer.FunctionError f -> error(response, UrlErrors.FUNCTION_ERROR, f.requestId());
            case InvokeAnswer.Throttled t -> error(response, UrlErrors.THROTTLED, t.requestId());
            case InvokeAnswer.NotFound n -> error(response, UrlErrors.NO_SUCH_URL, n.requestId());
            case InvokeAnswer.Failed f -> ErrorBodies.write(response, f.requestId(), f.error());
            case InvokeAnswer.Streamed s -> {
                // Written to the response as it streamed.
            }
            case InvokeAnswer.DryRunPassed d -> response.setStatusCode(204).end();
        }
    }

    static void write(HttpServerResponse response, HttpAnswer answer, CorsRules cors, String origin,
                      String requestId) {
        head(response, answer, cors, origin, requestId);
        response.end(Buffer.buffer(answer.body()));
    }

    /** The status line and headers of an answer: the function's, then the CORS ones, then the request id. */
    static void head(HttpServerResponse response, HttpAnswer answer, CorsRules cors, String origin,
                     String requestId) {
        response.setStatusCode(answer.status());
        if (answer.statusDescription() != null) {
            response.setStatusMessage(answer.statusDescription());
        }
        MultiMap headers = response.headers();
        List<CorsRules.Header> own = new ArrayList<>();
        for (HttpHeader header : answer.headersWithCookies()) {
            headers.add(header.name(), header.value());
            own.add(new CorsRules.Header(header.name(), header.value()));
        }
        cors.forAnswer(origin, own).forEach(h -> headers.add(h.name(), h.value()));
        headers.set(InvokeHeaders.AMZN_REQUEST_ID, requestId);
    }

    static void error(HttpServerResponse response, UrlErrors.UrlError error, String requestId) {
        response.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, error.contentType())
                .putHeader(InvokeHeaders.AMZN_REQUEST_ID, requestId);
        if (error.errorType() != null) {
            response.putHeader(InvokeHeaders.AMZN_ERROR_TYPE, error.errorType());
        }
        response.end(error.body());
    }

    private static String protocol(HttpServerRequest request) {
        return switch (request.version()) {
            case HTTP_1_0 -> "HTTP/1.0";
            case HTTP_1_1 -> "HTTP/1.1";
            case HTTP_2 -> "HTTP/2.0";
        };
    }
}
