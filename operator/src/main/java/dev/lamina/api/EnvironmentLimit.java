package dev.lamina.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Lambda's 4 KB limit on a function's environment variables: their names and values measured as Lambda measures
 * them, one JSON object in UTF-8, at most 4096 bytes. The CRD's rule checks {@code environment} alone (JSON escapes
 * aside); with {@code secretEnvironment}, whose values are in Secrets, the reconciler and local mode check the whole.
 */
public final class EnvironmentLimit {

    public static final int MAX_BYTES = 4096;

    /** The measure in CEL: per variable its name, its value and {@code "":"",} (6 bytes), and the braces less a comma. */
    static final String RULE = "self.map(k, size(k) + size(bytes(self[k])) + 6).sum() + 1 <= " + MAX_BYTES;

    public static final String MESSAGE = "Lambda was unable to configure your environment variables because the"
            + " environment variables you have provided exceeded the 4KB limit";

    private static final ObjectMapper JSON = new ObjectMapper();

    private EnvironmentLimit() {
    }

    /** The size Lambda measures: the variables as one JSON object, in UTF-8 bytes. */
    public static int measure(Map<String, String> variables) {
        try {
            return JSON.writeValueAsString(variables).getBytes(StandardCharsets.UTF_8).length;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Why a function's variables, {@code environment} and {@code secretEnvironment} together, cannot be configured, if
     * they cannot. {@code secretValue} gives a Secret's value by Secret name and key, null when missing (reported
     * apart); values are never quoted.
     */
    public static Optional<String> exceeded(FunctionSpec spec, BiFunction<String, String, String> secretValue) {
        Map<String, String> variables = new HashMap<>(spec.environment() == null ? Map.of() : spec.environment());
        if (spec.secretEnvironment() != null) {
            for (FunctionSpec.SecretEnvVar variable : spec.secretEnvironment()) {
                String value = secretValue.apply(variable.secretKeyRef().name(), variable.secretKeyRef().key());
                if (value != null) {
                    variables.put(variable.name(), value);
                }
            }
        }
        return exceeded(variables);
    }

    /** Why these variables (all of a function's) cannot be configured, if they cannot; values are never quoted. */
    public static Optional<String> exceeded(Map<String, String> variables) {
        int size = measure(variables);
        return size <= MAX_BYTES ? Optional.empty()
                : Optional.of(MESSAGE + ". Measured: " + size + " bytes of at most " + MAX_BYTES + ".");
    }
}
