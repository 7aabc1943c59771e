package dev.lamina.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.api.DistributionSpec;
import dev.lamina.edge.DistributionChecks;
import dev.lamina.edge.EdgeErrors;
import dev.lamina.edge.EdgeEventType;
import dev.lamina.edge.EdgeEvents;
import dev.lamina.edge.EdgeOutcome;
import dev.lamina.edge.EdgeRequest;
import dev.lamina.edge.EdgeResponse;
import dev.lamina.edge.EdgeResults;
import dev.lamina.shim.environment.FunctionError;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * Runs a distribution's Lambda@Edge function at one event type: checks the version against Lambda@Edge's limits,
 * invokes it through the gateway's invocation path with CloudFront's event, and reads its result by CloudFront's
 * rules. A function that fails, is throttled or answers something CloudFront would refuse gives the error answer
 * CloudFront gives.
 */
final class EdgeHooks {

    private static final Logger LOG = Logger.getLogger(EdgeHooks.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a function did at its event: a result to go on with, or the error answer the viewer gets instead. */
    sealed interface HookResult {
        record Done(EdgeOutcome outcome) implements HookResult {
        }

        /** The reason has been logged; the viewer gets {@code error}. */
        record Refused(EdgeErrors.EdgeError error) implements HookResult {
        }
    }

    private final GatewayInvoker invoker;
    private final Catalog catalog;

    EdgeHooks(GatewayInvoker invoker, Catalog catalog) {
        this.invoker = invoker;
        this.catalog = catalog;
    }

    /** The behaviour's association for an event type, if it has one. */
    static Optional<DistributionSpec.FunctionAssociation> association(DistributionSpec.CacheBehavior behavior,
                                                                      EdgeEventType type) {
        return behavior.lambdaFunctionAssociations().stream()
                .filter(a -> a.eventType().equals(type.wireName())).findFirst();
    }

    CompletionStage<HookResult> run(ServedDistribution distribution, EdgeEvents.Config config, EdgeEventType type,
                                    DistributionSpec.FunctionAssociation association, EdgeRequest request,
                                    EdgeResponse response) {
        try {
            return invoke(distribution, config, type, association, request, response);
        } catch (RuntimeException e) {
            // Whatever goes wrong, the viewer gets an answer.
            LOG.errorf(e, "Lambda@Edge %s: %s:%s could not be run", type.wireName(), association.function(),
                    association.functionVersion());
            return refused(type, EdgeErrors.functionError(), e.toString());
        }
    }

    private CompletionStage<HookResult> invoke(ServedDistribution distribution, EdgeEvents.Config config,
                                               EdgeEventType type, DistributionSpec.FunctionAssociation association,
                                               EdgeRequest request, EdgeResponse response) {
        String named = association.function() + ":" + association.functionVersion();
        FunctionEntry function = catalog.find(distribution.namespace(), association.function());
        List<DeployedVersion> versions = function == null ? List.of()
                : function.versionsOf(association.functionVersion());
        if (versions.isEmpty()) {
            return refused(type, EdgeErrors.functionError(), "function version " + named + " does not exist");
        }
        Optional<String> limit = DistributionChecks.limitProblem(type, versions.getFirst().info().spec());
        if (limit.isPresent()) {
            return refused(type, EdgeErrors.functionError(), named + " " + limit.get());
        }
        EdgeRequest shown = association.includeBody() && request != null ? withBody(type, request) : request;
        byte[] event = EdgeEvents.event(type, config, shown, response);
        InvokeRequest invocation = new InvokeRequest(distribution.namespace(), association.function(),
                association.functionVersion(), Buffer.buffer(event), false, false, null, null, null);
        return invoker.invoke(invocation).thenApply(answer -> switch (answer) {
            case InvokeAnswer.Success s -> switch (EdgeResults.read(type, shown, response, s.payload().getBytes())) {
                case EdgeOutcome.Invalid invalid -> refusal(type, EdgeErrors.invalidResult(invalid.reason()),
                        named + " returned a result that failed validation: " + invalid.reason());
                case EdgeOutcome valid -> new HookResult.Done(valid);
            };
            case InvokeAnswer.FunctionError f -> refusal(type, timedOut(f) ? EdgeErrors.functionTimedOut()
                    : EdgeErrors.functionError(), named + " failed: " + f.payload());
            case InvokeAnswer.Throttled t -> refusal(type, EdgeErrors.throttled(), named + " was throttled: "
                    + t.reason());
            case InvokeAnswer.NotFound n -> refusal(type, EdgeErrors.functionError(), n.message());
            case InvokeAnswer.Failed f -> refusal(type, EdgeErrors.functionError(),
                    named + " could not be invoked: " + f.error().message());
            // Neither is asked for: no stream is given, no dry run.
            case InvokeAnswer.Streamed s -> refusal(type, EdgeErrors.functionError(), named + " streamed");
            case InvokeAnswer.DryRunPassed d -> refusal(type, EdgeErrors.functionError(), named + " dry run");
        });
    }

    /** The request with its body as a function with includeBody sees it: base64, cut at the event type's limit. */
    private static EdgeRequest withBody(EdgeEventType type, EdgeRequest request) {
        return new EdgeRequest(request.clientIp(), request.method(), request.uri(), request.querystring(),
                request.headers(), EdgeEvents.includedBody(type, request.rawBody()), request.rawBody(),
                request.origin());
    }

    private static boolean timedOut(InvokeAnswer.FunctionError error) {
        try {
            return FunctionError.TIMEOUT.equals(JSON.readTree(error.payload().getBytes()).path("errorType").asText());
        } catch (IOException e) {
            return false;
        }
    }

    private static CompletionStage<HookResult> refused(EdgeEventType type, EdgeErrors.EdgeError error,
                                                       String reason) {
        return CompletableFuture.completedFuture(refusal(type, error, reason));
    }

    private static HookResult refusal(EdgeEventType type, EdgeErrors.EdgeError error, String reason) {
        LOG.warnf("Lambda@Edge %s: %s", type.wireName(), reason);
        return new HookResult.Refused(error);
    }
}
