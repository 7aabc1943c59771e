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

/**
 * The Invoke API's check of a payload, with Lambda's message. Streaming: nothing is materialised. The checks the
 * shim's invoke endpoint makes too (payload size, client context) are in {@link dev.lamina.shim.ShimContract}.
 */
final class RequestChecks {

    /** Lambda's words for a payload that is not JSON. */
    private static final String UNPARSABLE =
            "Could not parse request body into json: Could not parse payload into json: ";

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
}
