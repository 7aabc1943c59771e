package dev.lamina.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lamina.api.EventSourceMappingSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import software.amazon.event.ruler.Machine;

/**
 * A mapping's {@code filterCriteria}, matched by AWS's own rules engine (event-ruler) as Lambda matches them: a record
 * passes when any pattern matches it. The record's payload field ({@code body} for SQS, {@code data} for streams) is
 * matched as JSON when it parses as a JSON object, and as a string otherwise.
 */
final class EventFilter {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lets every record through. */
    static final EventFilter NONE = new EventFilter(null);

    private final Machine machine;

    private EventFilter(Machine machine) {
        this.machine = machine;
    }

    /** The filter of a mapping; an invalid pattern is refused with the engine's reason. */
    static EventFilter of(EventSourceMappingSpec.FilterCriteria criteria) {
        if (criteria == null || criteria.filters() == null || criteria.filters().isEmpty()) {
            return NONE;
        }
        Machine machine = new Machine();
        List<EventSourceMappingSpec.Filter> filters = criteria.filters();
        for (int i = 0; i < filters.size(); i++) {
            try {
                machine.addRule("filter-" + i, filters.get(i).pattern());
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("filterCriteria.filters[" + i + "] is not a valid pattern: "
                        + e.getMessage(), e);
            }
        }
        return new EventFilter(machine);
    }

    /**
     * Whether a record passes.
     *
     * @param record       the record as the function would get it
     * @param payloadField the field holding the payload as a string ({@code body}), matched as JSON when it is
     */
    boolean matches(ObjectNode record, String payloadField) {
        if (machine == null) {
            return true;
        }
        ObjectNode matched = record;
        JsonNode payload = record.get(payloadField);
        if (payload != null && payload.isTextual()) {
            JsonNode parsed = parseObject(payload.textValue());
            if (parsed != null) {
                matched = record.deepCopy();
                matched.set(payloadField, parsed);
            }
        }
        return !machine.rulesForJSONEvent(matched).isEmpty();
    }

    /**
     * Whether a record passes whose payload field holds bytes in base64 (Kinesis {@code data}): Lambda matches the
     * payload decoded, as JSON when it is.
     */
    boolean matchesEncoded(ObjectNode record, String payloadField) {
        JsonNode payload = record.get(payloadField);
        if (machine == null || payload == null || !payload.isTextual()) {
            return matches(record, payloadField);
        }
        ObjectNode decoded = record.deepCopy();
        decoded.put(payloadField, new String(Base64.getDecoder().decode(payload.textValue()), StandardCharsets.UTF_8));
        return matches(decoded, payloadField);
    }

    private static JsonNode parseObject(String text) {
        String trimmed = text.strip();
        if (!trimmed.startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(trimmed);
            return node != null && node.isObject() ? node : null;
        } catch (IOException notJson) {
            return null;
        }
    }
}
