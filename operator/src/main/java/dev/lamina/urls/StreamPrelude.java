package dev.lamina.urls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.urls.FunctionResponse.Refused;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Reads a streamed response in Lambda's HTTP integration format ({@value #CONTENT_TYPE}), chunk by chunk in order: a
 * JSON prelude ({@code statusCode}, {@code headers}, {@code cookies}), eight NUL bytes, then the body. The prelude is
 * kept until its delimiter arrives, wherever the chunks split it; every byte after the delimiter is handed on at once,
 * as a slice of the chunk it came in, never copied or held. One instance reads one stream; it is not thread-safe.
 *
 * <p>Refused, like an invalid buffered response ({@link UrlErrors#INVALID_RESPONSE}): a prelude that is not a JSON
 * object, whose {@code statusCode} is not a status, or that grows past {@link #MAX_PRELUDE_BYTES}; and a stream
 * that ends before the delimiter ({@link #finish()}) — nothing was sent to the client yet then. An empty prelude is a
 * plain 200, as is one without {@code statusCode}.
 */
public final class StreamPrelude {

    /** The content type with which a streaming function announces this format. */
    public static final String CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";

    /** The largest prelude read: a status and headers, far below this. */
    public static final int MAX_PRELUDE_BYTES = 64 * 1024;

    private static final int DELIMITER_LENGTH = 8;

    /** What one chunk gave. */
    public sealed interface Fed {

        /** The prelude is still incomplete: nothing to send yet. */
        record Waiting() implements Fed {
        }

        /** The prelude completed in this chunk: its status, headers and cookies, then the body bytes after it. */
        record Head(HttpAnswer prelude, Buffer body) implements Fed {
        }

        /** Body bytes: the whole chunk, once the prelude is done. */
        record Body(Buffer body) implements Fed {
        }

        /** The stream is not a valid HTTP integration response. */
        record Invalid(String reason) implements Fed {
        }
    }

    private final ByteArrayOutputStream prelude = new ByteArrayOutputStream();
    private int nulRun;
    private boolean headDone;
    private String refused;

    /** Reads the next chunk of the stream. */
    public Fed feed(Buffer chunk) {
        if (refused != null) {
            return new Fed.Invalid(refused);
        }
        if (headDone) {
            return new Fed.Body(chunk);
        }
        for (int i = 0; i < chunk.length(); i++) {
            byte b = chunk.getByte(i);
            if (b == 0) {
                if (++nulRun == DELIMITER_LENGTH) {
                    headDone = true;
                    return head(chunk.slice(i + 1, chunk.length()));
                }
                continue;
            }
            // NULs short of a delimiter belong to the prelude (and make it invalid JSON).
            for (; nulRun > 0; nulRun--) {
                prelude.write(0);
            }
            prelude.write(b);
            if (prelude.size() > MAX_PRELUDE_BYTES) {
                return refuse("the prelude is longer than " + MAX_PRELUDE_BYTES + " bytes");
            }
        }
        return new Fed.Waiting();
    }

    /** Reads the next chunk of the stream. */
    public Fed feed(byte[] chunk) {
        return feed(Buffer.buffer(chunk));
    }

    /** At the end of the stream: empty if it was valid, else why not (it ended inside the prelude). */
    public Optional<String> finish() {
        if (refused == null && !headDone) {
            refused = "the stream ended before the prelude's delimiter";
        }
        return Optional.ofNullable(refused);
    }

    private Fed head(Buffer rest) {
        byte[] json = prelude.toByteArray();
        prelude.reset();
        if (new String(json, StandardCharsets.UTF_8).isBlank()) {
            return new Fed.Head(new HttpAnswer(200, null, List.of(), List.of(), new byte[0]), rest);
        }
        Optional<JsonNode> parsed = FunctionResponse.parse(json);
        if (parsed.isEmpty() || !(parsed.get() instanceof ObjectNode object)) {
            return refuse("the prelude is not a JSON object");
        }
        try {
            int status = object.hasNonNull("statusCode") ? FunctionResponse.status(object.get("statusCode")) : 200;
            return new Fed.Head(new HttpAnswer(status, null, FunctionResponse.headers(object, "headers", null),
                    FunctionResponse.cookies(object), new byte[0]), rest);
        } catch (Refused e) {
            return refuse("the prelude is invalid: " + e.getMessage());
        }
    }

    private Fed refuse(String reason) {
        refused = reason;
        return new Fed.Invalid(reason);
    }
}
