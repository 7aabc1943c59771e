package dev.lamina.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.deployments.HookReports;
import dev.lamina.deployments.HookReports.HookStatus;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * The one CodeDeploy call a traffic hook makes, {@code PutLifecycleEventHookExecutionStatus}, in CodeDeploy's AWS JSON
 * 1.1 protocol ({@code POST /}, operation in {@code X-Amz-Target}), so hooks written for CodeDeploy report to Lamina
 * through the AWS SDK or CLI pointed at the gateway. The report goes to {@link HookReports}; its refusals are
 * CodeDeploy's errors. Whoever knows a deployment's id and the hook's execution id (handed to the hook only) may
 * report: AWS signatures are not checked.
 */
@ApplicationScoped
public class CodeDeployApi {

    static final String TARGET = "CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    /** Far above what the call's three ids take. */
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = Logger.getLogger(CodeDeployApi.class);

    /** A CodeDeploy error: {@code __type} and message of the JSON body, with the HTTP status. */
    private record CodeDeployError(int status, String type, String message) {
        static CodeDeployError invalid(String type, String message) {
            return new CodeDeployError(400, type, message);
        }
    }

    private final HookReports hooks;

    public CodeDeployApi(HookReports hooks) {
        this.hooks = hooks;
    }

    void routes(@Observes Router router) {
        router.post("/").handler(this::call);
    }

    private void call(RoutingContext ctx) {
        String target = ctx.request().getHeader("X-Amz-Target");
        if (!TARGET.equals(target)) {
            error(ctx.response(), CodeDeployError.invalid("UnknownOperationException",
                    target == null ? "Missing X-Amz-Target" : "Unknown operation " + target));
            return;
        }
        BodyReader.read(ctx.request(), MAX_BODY_BYTES, body -> {
            if (body == null) {
                error(ctx.response(), CodeDeployError.invalid("SerializationException",
                        "Request must be smaller than " + MAX_BODY_BYTES + " bytes"));
            } else {
                putLifecycleEventHookExecutionStatus(ctx, body);
            }
        });
    }

    private void putLifecycleEventHookExecutionStatus(RoutingContext ctx, Buffer body) {
        JsonNode request;
        try {
            request = JSON.readTree(body.getBytes());
        } catch (IOException e) {
            request = null;
        }
        if (request == null || !request.isObject()) {
            error(ctx.response(), CodeDeployError.invalid("SerializationException",
                    "The request body is not a JSON object"));
            return;
        }
        String deploymentId = text(request, "deploymentId");
        String executionId = text(request, "lifecycleEventHookExecutionId");
        String status = text(request, "status");
        if (deploymentId == null) {
            error(ctx.response(), CodeDeployError.invalid("DeploymentIdRequiredException",
                    "Deployment ID is required"));
        } else if (executionId == null) {
            error(ctx.response(), CodeDeployError.invalid("InvalidLifecycleEventHookExecutionIdException",
                    "Lifecycle event hook execution ID is required"));
        } else if (!HookStatus.Succeeded.name().equals(status) && !HookStatus.Failed.name().equals(status)) {
            error(ctx.response(), CodeDeployError.invalid("InvalidLifecycleEventHookExecutionStatusException",
                    "Lifecycle event hook execution status must be Succeeded or Failed, not " + status));
        } else {
            report(ctx, deploymentId, executionId, HookStatus.valueOf(status));
        }
    }

    /** The report may ask the Kubernetes API: on a virtual thread, answered back on the request's context. */
    private void report(RoutingContext ctx, String deploymentId, String executionId, HookStatus status) {
        Context context = ctx.vertx().getOrCreateContext();
        Thread.ofVirtual().name("hook-report-" + deploymentId).start(() -> {
            CodeDeployError refusal;
            try {
                refusal = switch (hooks.report(deploymentId, executionId, status)) {
                    case HookReports.Result.Accepted a -> null;
                    case HookReports.Result.UnknownDeployment u -> CodeDeployError.invalid(
                            "DeploymentDoesNotExistException", "Deployment " + deploymentId + " does not exist");
                    case HookReports.Result.UnknownExecution u -> CodeDeployError.invalid(
                            "InvalidLifecycleEventHookExecutionIdException", "Deployment " + deploymentId
                                    + " is not waiting for lifecycle event hook execution " + executionId);
                    case HookReports.Result.AlreadyCompleted c -> CodeDeployError.invalid(
                            "LifecycleEventAlreadyCompletedException", "Lifecycle event hook execution "
                                    + executionId + " of deployment " + deploymentId + " is already completed");
                };
            } catch (RuntimeException e) {
                LOG.warnf(e, "could not record the report of hook %s of deployment %s", executionId, deploymentId);
                refusal = new CodeDeployError(500, "InternalFailure", "The report could not be recorded: "
                        + e.getMessage());
            }
            CodeDeployError answer = refusal;
            context.runOnContext(v -> {
                if (answer == null) {
                    send(ctx.response(), 200, JSON.createObjectNode()
                            .put("lifecycleEventHookExecutionId", executionId));
                } else {
                    error(ctx.response(), answer);
                }
            });
        });
    }

    private static String text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    private static void error(HttpServerResponse response, CodeDeployError error) {
        send(response, error.status(), JSON.createObjectNode().put("__type", error.type())
                .put("message", error.message()));
    }

    private static void send(HttpServerResponse response, int status, ObjectNode body) {
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
                .putHeader("x-amzn-RequestId", RequestIds.next())
                .end(body.toString());
    }
}
