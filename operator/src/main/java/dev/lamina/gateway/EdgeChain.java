package dev.lamina.gateway;

import dev.lamina.api.DistributionSpec;
import dev.lamina.edge.CacheKey;
import dev.lamina.edge.CacheTtl;
import dev.lamina.edge.EdgeCache;
import dev.lamina.edge.EdgeErrors;
import dev.lamina.edge.EdgeEventType;
import dev.lamina.edge.EdgeEvents;
import dev.lamina.edge.EdgeOutcome;
import dev.lamina.edge.EdgeRequest;
import dev.lamina.edge.EdgeResponse;
import dev.lamina.edge.OriginRequests;
import dev.lamina.urls.FunctionUrls;
import dev.lamina.urls.HttpHeader;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One viewer request's way through a distribution, as on CloudFront: viewer request → cache → (miss) origin request
 * → origin → origin response → cache store → viewer response → viewer. Functions run only where the chosen behaviour
 * associates one; origin functions only on cache misses. Each step goes on from the one before on the event loop;
 * every way out answers the viewer.
 */
final class EdgeChain {
    /** What every chain of the door uses. */
    record Parts(EdgeCache cache, EdgeHooks hooks, OriginClient origins, ServiceAddresses services,
                 Optional<String> urlDomain) {
    }

    /** Answer headers that describe one connection or the body's framing: set by this server, never copied. */
    private static final Set<String> FRAMING = Set.of("connection", "keep-alive", "transfer-encoding",
            "content-length", "upgrade", "trailer");

    private final Parts parts;
    private final ServedDistribution distribution;
    private final EdgeEvents.Config events;
    private final HttpServerResponse response;
    private final String pathPrefix;
    private final boolean head;
    private final SocketAddress gateway;
    private DistributionSpec.CacheBehavior behavior;
    /** The viewer's request as the viewer-request function left it: viewer-response events show it. */
    private EdgeRequest viewer;

    EdgeChain(Parts parts, ServedDistribution distribution, EdgeEvents.Config events, HttpServerResponse response,
              String pathPrefix, boolean head, SocketAddress gateway) {
        this.parts = parts;
        this.distribution = distribution;
        this.events = events;
        this.response = response;
        this.pathPrefix = pathPrefix;
        this.head = head;
        this.gateway = gateway;
    }

    void start(EdgeRequest received) {
        viewer = received;
        behavior = distribution.behaviors().behaviorFor(received.uri());
        if (!behavior.allowedMethods().contains(received.method())) {
            fail(EdgeErrors.methodNotAllowed());
            return;
        }
        onRequest(EdgeEventType.VIEWER_REQUEST, received, outcome -> {
            if (outcome instanceof EdgeOutcome.Generated generated) {
                deliver(generated.response(), Source.GENERATED, null);
            } else if (outcome instanceof EdgeOutcome.ContinueWith next) {
                lookUp(next.request());
            }
        });
    }

    private void lookUp(EdgeRequest request) {
        viewer = request;
        boolean cacheable = behavior.cachedMethods().contains(request.method());
        CacheKey key = CacheKey.of(distribution.id(), behavior.cachePolicy(), request);
        if (cacheable) {
            Optional<EdgeCache.Hit> hit = parts.cache().get(key, request.method(), Instant.now());
            if (hit.isPresent()) {
                finish(hit.get().response(), Source.HIT, hit.get().ageSeconds());
                return;
            }
        }
        DistributionSpec.Origin origin = distribution.origin(behavior.targetOriginId());
        EdgeRequest toOrigin = OriginRequests.of(request, behavior, origin, address(origin),
                events.requestId(), events.distributionDomainName());
        onRequest(EdgeEventType.ORIGIN_REQUEST, toOrigin, outcome -> {
            if (outcome instanceof EdgeOutcome.Generated generated) {
                store(key, cacheable, request.method(), generated.response(), Source.GENERATED);
            } else if (outcome instanceof EdgeOutcome.ContinueWith next) {
                fetch(key, cacheable, next.request());
            }
        });
    }

    private void fetch(CacheKey key, boolean cacheable, EdgeRequest toOrigin) {
        parts.origins().send(toOrigin, gateway).onSuccess(answer -> {
            switch (answer) {
                case OriginClient.OriginAnswer.Answered answered -> onResponse(EdgeEventType.ORIGIN_RESPONSE,
                        toOrigin, answered.response(), response -> store(key, cacheable, toOrigin.method(),
                                response, Source.MISS));
                case OriginClient.OriginAnswer.Unreachable unreachable -> fail(EdgeErrors.originUnreachable());
                case OriginClient.OriginAnswer.TimedOut timedOut -> fail(EdgeErrors.originTimedOut());
            }
        });
    }

    private void store(CacheKey key, boolean cacheable, String method, EdgeResponse answer, Source source) {
        if (cacheable) {
            Instant now = Instant.now();
            parts.cache().put(key, method, answer, CacheTtl.of(behavior, method, answer, now), now);
        }
        finish(answer, source, null);
    }

    /** The viewer-response function, then the viewer; not for error statuses, as on CloudFront. */
    private void finish(EdgeResponse answer, Source source, Long age) {
        if (answer.status() >= 400) {
            deliver(answer, source, age);
        } else {
            onResponse(EdgeEventType.VIEWER_RESPONSE, viewer, answer, response -> deliver(response, source, age));
        }
    }

    /**
     * Runs the behaviour's function at a request event, if it has one, and goes on with its outcome (the request
     * as it is, when none): {@link EdgeOutcome.ContinueWith} or {@link EdgeOutcome.Generated}. A failure has
     * been answered instead.
     */
    private void onRequest(EdgeEventType type, EdgeRequest request, Consumer<EdgeOutcome> then) {
        Optional<DistributionSpec.FunctionAssociation> association = EdgeHooks.association(behavior, type);
        if (association.isEmpty()) {
            then.accept(new EdgeOutcome.ContinueWith(request));
        } else {
            hook(type, association.get(), request, null, then);
        }
    }

    /** Runs the behaviour's function at a response event, if it has one, and goes on with the response. */
    private void onResponse(EdgeEventType type, EdgeRequest request, EdgeResponse answer,
                            Consumer<EdgeResponse> then) {
        Optional<DistributionSpec.FunctionAssociation> association = EdgeHooks.association(behavior, type);
        if (association.isEmpty()) {
            then.accept(answer);
        } else {
            hook(type, association.get(), request, answer, outcome -> {
                if (outcome instanceof EdgeOutcome.Respond respond) {
                    then.accept(respond.response());
                }
            });
        }
    }

    private void hook(EdgeEventType type, DistributionSpec.FunctionAssociation association, EdgeRequest request,
                      EdgeResponse answer, Consumer<EdgeOutcome> then) {
        parts.hooks().run(distribution, events, type, association, request, answer).whenComplete((result, failure) -> {
            switch (result) {
                case EdgeHooks.HookResult.Done done -> then.accept(done.outcome());
                case EdgeHooks.HookResult.Refused refused -> fail(refused.error());
                case null -> fail(EdgeErrors.functionError());
            }
        });
    }

    /**
     * Where an origin is: a URL's parts; a Service by its address in this mode; a Function URL of this gateway by
     * its host-based name, which {@link OriginClient} reaches on the gateway's own address.
     */
    private OriginRequests.OriginAddress address(DistributionSpec.Origin origin) {
        String path = origin.path() == null ? "" : origin.path();
        if (origin.url() != null) {
            URI url = URI.create(origin.url());
            boolean https = url.getScheme().equals("https");
            String own = url.getRawPath() == null ? "" : url.getRawPath().replaceAll("/+$", "");
            return new OriginRequests.OriginAddress(url.getScheme(), url.getHost(),
                    url.getPort() > 0 ? url.getPort() : https ? 443 : 80, own + path);
        }
        if (origin.service() != null) {
            return new OriginRequests.OriginAddress("http", parts.services().host(distribution.namespace(),
                    origin.service().name()), origin.service().port(), path);
        }
        String urlId = FunctionUrls.id(distribution.namespace(), origin.functionUrl().function(),
                origin.functionUrl().qualifier());
        return new OriginRequests.OriginAddress("http", urlId + ".lambda-url."
                + parts.urlDomain().orElse("localhost"), gateway.port(), path);
    }

    private void fail(EdgeErrors.EdgeError error) {
        answer(response, error, events.requestId());
    }

    private void deliver(EdgeResponse answer, Source source, Long age) {
        response.setStatusCode(answer.status());
        if (answer.statusDescription() != null && !answer.statusDescription().isEmpty()) {
            response.setStatusMessage(answer.statusDescription());
        }
        MultiMap headers = response.headers();
        for (HttpHeader line : answer.headers().lines()) {
            String name = line.name();
            if (FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            boolean redirect = name.equalsIgnoreCase("location") && line.value().startsWith("/")
                    && !line.value().startsWith("//");
            headers.add(name, redirect ? pathPrefix + line.value() : line.value());
        }
        if (age != null) {
            headers.set("Age", Long.toString(age));
        }
        // CloudFront reports an error status of the origin (from the cache or not) as an error.
        headers.set("X-Cache", source != Source.GENERATED && answer.status() >= 400 ? "Error from cloudfront"
                : source.xCache);
        headers.set("Via", "1.1 " + events.distributionDomainName() + " (Lamina)");
        headers.set("X-Amz-Cf-Id", events.requestId());
        if (head) {
            // A HEAD answer from the origin has no body: its length is the one the origin gave.
            String length = answer.body().length > 0 || answer.headers().first("content-length") == null
                    ? Integer.toString(answer.body().length) : answer.headers().first("content-length");
            headers.set(HttpHeaders.CONTENT_LENGTH, length);
            response.end();
        } else {
            response.end(Buffer.buffer(answer.body()));
        }
    }

    /** Where an answer came from, as the X-Cache header tells the viewer. */
    private enum Source {
        HIT("Hit from cloudfront"), MISS("Miss from cloudfront"), GENERATED("LambdaGeneratedResponse from cloudfront");

        private final String xCache;

        Source(String xCache) {
            this.xCache = xCache;
        }
    }

    /** An error answer, as CloudFront gives it. */
    static void answer(HttpServerResponse response, EdgeErrors.EdgeError error, String cfId) {
        response.setStatusCode(error.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, EdgeErrors.CONTENT_TYPE)
                .putHeader("X-Cache", error.xCache())
                .putHeader("X-Amz-Cf-Id", cfId)
                .end(error.html(cfId));
    }
}
