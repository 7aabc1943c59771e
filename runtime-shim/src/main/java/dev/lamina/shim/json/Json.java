package dev.lamina.shim.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The few JSON documents the shim reads and writes, on Jackson's streaming API (no data binding: it starts faster). */
public final class Json {

    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    /** The fields of an error document that the shim needs; either may be null when the runtime left it out. */
    public record ErrorFields(String errorType, String errorMessage) {
    }

    /** Lambda's function error document: {@code {"errorMessage":…,"errorType":…,"stackTrace":[…]}}. */
    public static byte[] functionError(String errorMessage, String errorType, List<String> stackTrace) {
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("errorMessage", errorMessage);
            json.writeStringField("errorType", errorType);
            json.writeArrayFieldStart("stackTrace");
            for (String frame : stackTrace) {
                json.writeString(frame);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /** The Runtime API's error answer to a runtime: {@code {"errorMessage":…,"errorType":…}}. */
    public static byte[] apiError(String errorMessage, String errorType) {
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("errorMessage", errorMessage);
            json.writeStringField("errorType", errorType);
            json.writeEndObject();
        });
    }

    /** The Invoke API's service error body: {@code {"Type":"User","Message":…[,"Reason":…]}}. */
    public static byte[] serviceError(String message, String reason) {
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("Type", "User");
            json.writeStringField("Message", message);
            if (reason != null) {
                json.writeStringField("Reason", reason);
            }
            json.writeEndObject();
        });
    }

    /** The autoscaler's view of one environment. */
    public static byte[] state(boolean ready, int inFlight, int capacity, int waiting, ErrorFields initError) {
        return write(json -> {
            json.writeStartObject();
            json.writeBooleanField("ready", ready);
            json.writeNumberField("inFlight", inFlight);
            json.writeNumberField("capacity", capacity);
            json.writeNumberField("waiting", waiting);
            if (initError != null) {
                json.writeObjectFieldStart("initError");
                json.writeStringField("errorType", initError.errorType());
                json.writeStringField("errorMessage", initError.errorMessage());
                json.writeEndObject();
            }
            json.writeEndObject();
        });
    }

    /** The error fields of a document if it is one JSON object, else empty (garbage, arrays, trailing data). */
    public static Optional<ErrorFields> readError(byte[] document) {
        try (JsonParser parser = FACTORY.createParser(document)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            String errorType = null;
            String errorMessage = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_STRING && "errorType".equals(field)) {
                    errorType = parser.getText();
                } else if (value == JsonToken.VALUE_STRING && "errorMessage".equals(field)) {
                    errorMessage = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
            return parser.nextToken() == null ? Optional.of(new ErrorFields(errorType, errorMessage)) : Optional.empty();
        } catch (IOException malformed) {
            return Optional.empty();
        }
    }

    /** True when the text is exactly one JSON object (the shape Lambda requires of a client context). */
    public static boolean isObject(byte[] document) {
        try (JsonParser parser = FACTORY.createParser(document)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException malformed) {
            return false;
        }
    }

    /**
     * A small document as plain values: {@code Map<String, Object>} for objects (in order), {@code List<Object>},
     * {@code String}, {@code Long} or {@code Double}, {@code Boolean} and null. Throws
     * {@link IllegalArgumentException} when it is not one JSON value.
     */
    public static Object parse(byte[] document) {
        try (JsonParser parser = FACTORY.createParser(document)) {
            if (parser.nextToken() == null) {
                throw new IllegalArgumentException("empty document");
            }
            Object value = value(parser);
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("data after the document");
            }
            return value;
        } catch (JsonProcessingException malformed) {
            throw new IllegalArgumentException("not JSON: " + malformed.getOriginalMessage(), malformed);
        } catch (IOException unreadable) {
            throw new IllegalArgumentException("not JSON: " + unreadable.getMessage(), unreadable);
        }
    }

    private static Object value(JsonParser parser) throws IOException {
        return switch (parser.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    object.put(name, value(parser));
                }
                yield object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(parser));
                }
                yield array;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            default -> null;
        };
    }

    /** Writes one document. */
    public interface Writer {
        void write(JsonGenerator json) throws IOException;
    }

    /** One JSON document, written by {@code writer}. */
    public static byte[] write(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            writer.write(json);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return out.toByteArray();
    }
}
