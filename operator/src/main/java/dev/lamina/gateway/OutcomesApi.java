package dev.lamina.gateway;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code GET /lamina/v1/outcomes}: this replica's {@link OutcomeReport}, optionally only for a {@code namespace},
 * {@code function} and {@code version} (query parameters). The controller reads it from every gateway replica to
 * judge a deployment. It is served to any caller without a check: it holds counts per version (invocations, errors,
 * throttles, durations) and the names of namespaces and functions, never a payload, a log or a caller.
 */
@ApplicationScoped
public class OutcomesApi {

    public static final String PATH = "/lamina/v1/outcomes";

    private final OutcomeCounters counters;

    public OutcomesApi(OutcomeCounters counters) {
        this.counters = counters;
    }

    void routes(@Observes Router router) {
        router.get(PATH).handler(this::outcomes);
    }

    private void outcomes(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        OutcomeReport report = counters.report(filter(request, "namespace"), filter(request, "function"),
                filter(request, "version"));
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(report.toJson());
    }

    /** A query parameter to filter by; absent or empty filters nothing. */
    private static String filter(HttpServerRequest request, String name) {
        String value = request.getParam(name);
        return value == null || value.isEmpty() ? null : value;
    }
}
