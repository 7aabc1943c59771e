package dev.lamina.async;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The JSON mapper of the async package, and the parsing rules for payloads. */
final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }

    /** The payload as a JSON value, or empty if it is not one single valid JSON document. */
    static Optional<JsonNode> parse(byte[] payload) {
        try (var parser = MAPPER.createParser(payload)) {
            JsonNode node = MAPPER.readTree(parser);
            if (node == null || node.isMissingNode() || parser.nextToken() != null) {
                return Optional.empty();
            }
            return Optional.of(node);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A response body as the record shows it: its JSON value, or the text when it is not JSON. */
    static JsonNode parseOrText(byte[] payload) {
        return parse(payload).orElseGet(() -> TextNode.valueOf(new String(payload, StandardCharsets.UTF_8)));
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read " + type.getSimpleName() + " from stored JSON", e);
        }
    }
}
