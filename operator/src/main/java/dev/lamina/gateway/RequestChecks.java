package dev.lamina.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;

/** The Invoke API's checks of what a caller sends, with Lambda's messages. Streaming: nothing is materialised. */
final class RequestChecks {

    /** Largest synchronous request payload. */
    static final int MAX_PAYLOAD = 6 * 1024 * 1024;
    /** Lambda's words for a payload that is not JSON. */
    private static final String UNPARSABLE =
            "Could not parse request body into json: Could not parse payload into json: ";
    /** Largest X-Amz-Client-Context (base64). */
    static final int MAX_CLIENT_CONTEXT = 3583;

    /** Only tokens are looked at: no field-name symbol table to build per payload. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();

    private RequestChecks() {
    }

    /** Null when the payload is empty or one JSON value, else the parse error. */
    static String payloadError(Buffer payload) {
        if (payload == null || payload.length() == 0) {
            return null;
        }
        ByteBuf bytes = payload.getByteBuf();
        try (JsonParser parser = bytes.hasArray()
                ? JSON.createParser(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes())
                : JSON.createParser((InputStream) new ByteBufInputStream(bytes))) {
            if (parser.nextToken() == null) {
                return null;
            }
            parser.skipChildren();
            JsonToken trailing = parser.nextToken();
            return trailing == null ? null : UNPARSABLE + "Unexpected content after the JSON value at "
                    + parser.currentLocation().offsetDescription();
        } catch (JsonProcessingException e) {
            return UNPARSABLE + e.getOriginalMessage();
        } catch (IOException e) {
            return "Could not parse request body into json: " + e.getMessage();
        }
    }

    /** Null when the client context is absent or base64 of a JSON object within the size limit, else why not. */
    static String clientContextError(String clientContext) {
        if (clientContext == null) {
            return null;
        }
        if (clientContext.length() > MAX_CLIENT_CONTEXT) {
            return "Client context must be at most " + MAX_CLIENT_CONTEXT + " bytes of base64-encoded data.";
        }
        byte[] json;
        try {
            json = Base64.getDecoder().decode(clientContext);
        } catch (IllegalArgumentException e) {
            return "Client context must be a valid Base64-encoded JSON object.";
        }
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return "Client context must be a valid Base64-encoded JSON object.";
            }
            parser.skipChildren();
            return parser.nextToken() == null ? null : "Client context must be a valid Base64-encoded JSON object.";
        } catch (IOException e) {
            return "Client context must be a valid Base64-encoded JSON object.";
        }
    }
}
