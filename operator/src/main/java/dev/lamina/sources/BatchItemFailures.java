package dev.lamina.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

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
            JsonNode id = failure.get("itemIdentifier");
            if (id == null || !id.isTextual() || id.textValue().isEmpty()) {
                return new Invalid("a batchItemFailures entry has no itemIdentifier");
            }
            if (!batch.contains(id.textValue())) {
                return new Invalid("itemIdentifier " + id.textValue() + " is not in the batch");
            }
            failed.add(id.textValue());
        }
        return failed.isEmpty() ? new None() : new Some(failed);
    }
}
