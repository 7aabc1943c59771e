package dev.lamina.shim.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reading JSON answers in assertions. */
public final class JsonDocs {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonDocs() {
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException invalid) {
            throw new AssertionError("not JSON: " + json, invalid);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
