package dev.lamina.shim;

import dev.lamina.shim.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A client context as Lambda accepts it in {@link ShimContract#CLIENT_CONTEXT}: base64 of one JSON object, at most
 * {@value ShimContract#MAX_CLIENT_CONTEXT_BYTES} characters. Only {@link #decode} makes one, so holding one means it
 * was checked: an invocation handed on within a process is not checked again.
 */
public final class ClientContext {

    private static final String NOT_AN_OBJECT = "Client context must be a valid Base64-encoded JSON object.";

    private final String encoded;
    private final String json;

    private ClientContext(String encoded, String json) {
        this.encoded = encoded;
        this.json = json;
    }

    /**
     * The client context a caller sent; null when it sent none.
     *
     * @throws IllegalArgumentException with Lambda's message, when it is too long or not base64 of a JSON object
     */
    public static ClientContext decode(String encoded) {
        if (encoded == null) {
            return null;
        }
        if (encoded.length() > ShimContract.MAX_CLIENT_CONTEXT_BYTES) {
            throw new IllegalArgumentException("Client context must be at most "
                    + ShimContract.MAX_CLIENT_CONTEXT_BYTES + " bytes of base64-encoded data.");
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException(NOT_AN_OBJECT);
        }
        if (!Json.isObject(decoded)) {
            throw new IllegalArgumentException(NOT_AN_OBJECT);
        }
        return new ClientContext(encoded, headerLine(new String(decoded, StandardCharsets.UTF_8)));
    }

    /**
     * The same JSON as one line of ASCII, as an HTTP header value must be: line breaks and tabs (whitespace between
     * tokens, as a valid document has no raw control character in a string) become spaces, and characters beyond ASCII (only
     * in strings) become {@code \\uXXXX} escapes.
     */
    private static String headerLine(String json) {
        StringBuilder line = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '\r' || c == '\n' || c == '\t') {
                line.append(' ');
            } else if (c > 0x7e) {
                line.append(String.format("\\u%04x", (int) c));
            } else {
                line.append(c);
            }
        }
        return line.toString();
    }

    /** As the caller sent it: base64. */
    public String encoded() {
        return encoded;
    }

    /** The JSON object on one ASCII line, as the runtime gets it ({@code Lambda-Runtime-Client-Context}). */
    public String json() {
        return json;
    }
}
