package dev.lamina.async;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Lambda's invocation record for destinations, and the attributes of dead-letter messages. */
final class InvocationRecords {

    /** Why an event was settled, as the record's {@code requestContext.condition} says it. */
    enum Condition { Success, RetriesExhausted, EventAgeExceeded }

    static final int MAX_ERROR_MESSAGE_BYTES = 1024;
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private InvocationRecords() {
    }

    /**
     * The destination record.
     *
     * @param outcome the last attempt's outcome; {@code null} when the function was never reached
     */
    static String record(AsyncEvent event, String functionArn, Condition condition, int invokeCount,
                         AttemptOutcome outcome, Instant timestamp) {
        ObjectNode record = Json.MAPPER.createObjectNode();
        record.put("version", "1.0");
        record.put("timestamp", TIMESTAMP.format(timestamp.truncatedTo(ChronoUnit.MILLIS)));
        ObjectNode context = record.putObject("requestContext");
        context.put("requestId", event.requestId());
        context.put("functionArn", functionArn);
        context.put("condition", condition.name());
        context.put("approximateInvokeCount", invokeCount);
        record.set("requestPayload", Json.parse(event.payload()).orElse(NullNode.getInstance()));
        if (outcome != null) {
            ObjectNode response = record.putObject("responseContext");
            response.put("statusCode", outcome.statusCode());
            switch (outcome) {
                case AttemptOutcome.Success success -> {
                    response.put("executedVersion", success.executedVersion());
                    record.set("responsePayload", Json.parseOrText(success.payload()));
                }
                case AttemptOutcome.FunctionError error -> {
                    response.put("executedVersion", error.executedVersion());
                    response.put("functionError", error.errorType());
                    record.set("responsePayload", Json.parseOrText(error.payload()));
                }
                case AttemptOutcome.Throttled throttled ->
                        record.set("responsePayload", error("TooManyRequestsException", throttled.message()));
                case AttemptOutcome.PlatformError platform ->
                        record.set("responsePayload", error(platform.errorCode(), platform.message()));
                case AttemptOutcome.NotFound notFound ->
                        record.set("responsePayload", error("ResourceNotFoundException", notFound.message()));
            }
        }
        return Json.write(record);
    }

    /** The dead-letter message's {@code ErrorMessage}: the first 1 KB of the last error's message. */
    static String errorMessage(AttemptOutcome outcome) {
        String message = switch (outcome) {
            case AttemptOutcome.FunctionError error -> {
                JsonNode body = Json.parseOrText(error.payload());
                if (body.isTextual()) {
                    yield body.asText();
                }
                yield body.hasNonNull("errorMessage") ? body.get("errorMessage").asText() : body.toString();
            }
            case AttemptOutcome.Throttled throttled -> throttled.message();
            case AttemptOutcome.PlatformError platform -> platform.message();
            case AttemptOutcome.NotFound notFound -> notFound.message();
            case AttemptOutcome.Success success -> null;
        };
        // SQS refuses empty attribute values.
        return message == null || message.isBlank()
                ? "HTTP " + outcome.statusCode()
                : truncateUtf8(message, MAX_ERROR_MESSAGE_BYTES);
    }

    private static ObjectNode error(String type, String message) {
        ObjectNode error = Json.MAPPER.createObjectNode();
        error.put("errorMessage", message);
        error.put("errorType", type);
        return error;
    }

    /** The longest prefix of {@code text} whose UTF-8 encoding fits {@code maxBytes}, never splitting a character. */
    static String truncateUtf8(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.IGNORE);
        CharBuffer out = CharBuffer.allocate(maxBytes);
        decoder.decode(ByteBuffer.wrap(bytes, 0, maxBytes), out, true);
        return out.flip().toString();
    }
}
