package dev.lamina.api;

import com.fasterxml.jackson.databind.JsonNode;

/** A value in a field error, printed as Kubernetes prints it: strings quoted, numbers plain, objects as JSON. */
final class FieldValues {

    private FieldValues() {
    }

    static String of(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "null";
        }
        return value.isTextual() ? quoted(value.asText()) : value.toString();
    }

    /** Go's %q: double quotes, with quotes, backslashes and control characters escaped. */
    static String quoted(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        text.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                case '\r' -> quoted.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        quoted.append(String.format("\\x%02x", c));
                    } else {
                        quoted.appendCodePoint(c);
                    }
                }
            }
        });
        return quoted.append('"').toString();
    }
}
