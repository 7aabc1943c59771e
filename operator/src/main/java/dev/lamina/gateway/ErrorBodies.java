package dev.lamina.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;

/** Writes Lambda service errors: {@code x-amzn-ErrorType} plus the JSON body AWS SDKs read. */
final class ErrorBodies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorBodies() {
    }

    static void write(HttpServerResponse response, String requestId, ServiceError error) {
        ObjectNode body = JSON.createObjectNode()
                .put("Type", error.platformFault() ? "Service" : "User")
                .put("Message", error.message());
        send(response, requestId, error.code(), error.status(), body);
    }

    static void throttle(HttpServerResponse response, String requestId, String reason, long retryAfterSeconds) {
        ObjectNode body = JSON.createObjectNode()
                .put("Reason", reason)
                .put("Type", "User")
                .put("message", "Rate Exceeded.");
        response.putHeader("Retry-After", Long.toString(retryAfterSeconds));
        send(response, requestId, "TooManyRequestsException", 429, body);
    }

    private static void send(HttpServerResponse response, String requestId, String code, int status,
                             ObjectNode body) {
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        response.setStatusCode(status)
                .putHeader(InvokeHeaders.AMZN_ERROR_TYPE, code)
                .putHeader(InvokeHeaders.AMZN_REQUEST_ID, requestId)
                .putHeader("Content-Type", "application/json")
                .end(json);
    }
}
