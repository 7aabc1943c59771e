package dev.lamina.gateway;

import dev.lamina.edge.EdgeCache;
import dev.lamina.edge.EdgeErrors;
import dev.lamina.edge.EdgeEvents;
import dev.lamina.edge.EdgeHeaders;
import dev.lamina.edge.EdgeHosts;
import dev.lamina.edge.EdgeRequest;
import dev.lamina.urls.HttpHeader;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Distributions: a request to {@code d….edge.<domain>} (or an alias host) or to {@code /edge/<id>/…} is read whole
 * (a body up to {@code lamina.gateway.edge.max-request-body-bytes}) and goes through the distribution's
 * {@link EdgeChain}. Runs on the event loop; nothing here blocks.
 */
@ApplicationScoped
public class DistributionDoor {

    private final EdgeCatalog distributions;
    private final GatewayConfig config;
    private final EdgeChain.Parts parts;

    public DistributionDoor(EdgeCatalog distributions, EdgeCache cache, GatewayInvoker invoker, Catalog catalog,
                            GatewayConfig config, ServiceAddresses services, Vertx vertx) {
        this.distributions = distributions;
        this.config = config;
        this.parts = new EdgeChain.Parts(cache, new EdgeHooks(invoker, catalog), new OriginClient(vertx), services,
                config.urlDomain());
    }

    /** After Function URLs, ahead of the Invoke API: a distribution's paths may look like anything. */
    void routes(@Observes Router router) {
        router.route().order(-99).handler(this::route);
    }

    private void route(RoutingContext ctx) {
        if (distributions.isEmpty()) {
            ctx.next();
            return;
        }
        HttpServerRequest request = ctx.request();
        String uri = request.uri();
        String host = request.authority() == null ? null : request.authority().host();
        ServedDistribution byHost = distributions.byHost(host);
        if (byHost != null) {
            serve(ctx, byHost, uri, "");
            return;
        }
        if (!uri.startsWith(EdgeHosts.PATH_PREFIX)) {
            ctx.next();
            return;
        }
        String rest = uri.substring(EdgeHosts.PATH_PREFIX.length());
        int end = indexOfAny(rest, "/?");
        String id = end < 0 ? rest : rest.substring(0, end);
        ServedDistribution byPath = distributions.byId(id);
        if (byPath == null) {
            EdgeChain.answer(ctx.response(), EdgeErrors.unknownDistribution(), RequestIds.next());
            return;
        }
        String inside = end < 0 ? "/" : rest.substring(end);
        serve(ctx, byPath, inside.startsWith("?") ? "/" + inside : inside, EdgeHosts.PATH_PREFIX + id);
    }

    /**
     * One viewer request.
     *
     * @param pathPrefix the path-based form's prefix, empty for host-based requests: redirects to absolute paths
     *                   get it back, so they stay inside the distribution
     */
    private void serve(RoutingContext ctx, ServedDistribution distribution, String uri, String pathPrefix) {
        HttpServerRequest request = ctx.request();
        String cfId = RequestIds.next();
        if (!distribution.spec().enabled()) {
            EdgeChain.answer(ctx.response(), EdgeErrors.distributionDisabled(), cfId);
            return;
        }
        BodyReader.read(request, config.edge().maxRequestBodyBytes(), body -> {
            if (body == null) {
                EdgeChain.answer(ctx.response(), EdgeErrors.requestTooLarge(), cfId);
                return;
            }
            int query = uri.indexOf('?');
            String path = query < 0 ? uri : uri.substring(0, query);
            String defaultRoot = distribution.spec().defaultRootObject();
            if (path.equals("/") && defaultRoot != null) {
                path = "/" + defaultRoot;
            }
            List<HttpHeader> lines = new ArrayList<>(request.headers().size());
            for (Map.Entry<String, String> header : request.headers()) {
                lines.add(new HttpHeader(header.getKey(), header.getValue()));
            }
            String domainName = domainName(distribution);
            if (request.headers().getAll("Via").stream().anyMatch(via -> via.contains(domainName + " (Lamina)"))) {
                EdgeChain.answer(ctx.response(), EdgeErrors.loopDetected(), cfId);
                return;
            }
            EdgeRequest viewer = new EdgeRequest(
                    request.remoteAddress() == null ? "127.0.0.1" : request.remoteAddress().hostAddress(),
                    request.method().name(), path, query < 0 ? "" : uri.substring(query + 1), EdgeHeaders.of(lines),
                    null, body.getBytes(), null);
            new EdgeChain(parts, distribution, new EdgeEvents.Config(domainName, distribution.id(), cfId),
                    ctx.response(), pathPrefix, request.method() == HttpMethod.HEAD, request.localAddress())
                    .start(viewer);
        });
    }

    private String domainName(ServedDistribution distribution) {
        return EdgeHosts.domainName(distribution.id(), config.urlDomain().orElse("localhost"));
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
