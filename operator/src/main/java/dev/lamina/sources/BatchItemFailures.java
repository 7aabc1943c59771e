package dev.lamina.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * A function's answer under {@code ReportBatchItemFailures}, read by Lambda's rules: an empty or null answer, or an
 * empty {@code batchItemFailures} list, means every record succeeded; each listed {@code itemIdentifier} failed; an
 * answer that does not parse, an identifier that is empty or not in the batch, fails the whole batch.
 */
sealed interface BatchItemFailures {
    ObjectMapper JSON = new ObjectMapper();

    /** Every record succeeded. */
    record None() implements BatchItemFailures {
    }

    /** These records failed, the others succeeded. */
    record Some(Set<String> itemIdentifiers) implements BatchItemFailures {
    }

    /** The answer is not a valid report: the whole batch failed. */
    record Invalid(String reason) implements BatchItemFailures {
    }

    static BatchItemFailures read(byte[] answer, Set<String> batch) {
        return read(answer, batch, id -> id.isTextual() ? id.textValue() : null);
    }

    /**
     * Reads an answer whose {@code itemIdentifier}s are not plain strings (Kafka's are objects).
     *
     * @param identifier the identifier an {@code itemIdentifier} names, or null when it is not one
     */
    static BatchItemFailures read(byte[] answer, Set<String> batch, Function<JsonNode, String> identifier) {
        if (answer == null || answer.length == 0) {
            return new None();
        }
        JsonNode root;
        try {
            root = JSON.readTree(answer);
        } catch (IOException e) {
            return new Invalid("the response is not JSON");
        }
        if (root == null || root.isNull() || root.isObject() && root.isEmpty()) {
            return new None();
        }
        JsonNode failures = root.get("batchItemFailures");
        if (failures == null || failures.isNull()) {
            return new None();
        }
        if (!failures.isArray()) {
            return new Invalid("batchItemFailures is not a list");
        }
        Set<String> failed = new LinkedHashSet<>();
        for (JsonNode failure : failures) {
            JsonNode node = failure.get("itemIdentifier");
            String id = node == null ? null : identifier.apply(node);
            if (id == null || id.isEmpty()) {
                return new Invalid("a batchItemFailures entry has no itemIdentifier");
            }
            if (!batch.contains(id)) {
                return new Invalid("itemIdentifier " + (node.isTextual() ? id : node) + " is not in the batch");
            }
            failed.add(id);
        }
        return failed.isEmpty() ? new None() : new Some(failed);
    }
}
