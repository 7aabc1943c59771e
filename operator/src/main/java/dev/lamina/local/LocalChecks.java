package dev.lamina.local;

import dev.lamina.api.EnvironmentLimit;
import dev.lamina.api.FunctionSpec;
import dev.lamina.async.SecretData;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import java.util.Optional;

/**
 * What the CRD cannot say about a Function, checked when local mode loads it. Everything the CRD says is checked when
 * the files are read ({@link ResourceFiles}), as the API server checks it.
 */
final class LocalChecks {
    private LocalChecks() {
    }

    /**
     * Why a Function spec (or a version's snapshot) cannot run here, if it cannot.
     *
     * @param secrets the Secrets of the function's namespace in the directory, by name
     */
    static Optional<String> function(FunctionSpec spec, Map<String, Secret> secrets) {
        if (spec.code() != null && spec.code().image() != null) {
            return Optional.of("code from an image needs a container engine, which local mode does not have");
        }
        return EnvironmentLimit.exceeded(spec, (name, key) ->
                secrets.containsKey(name) ? SecretData.values(secrets.get(name)).get(key) : null);
    }
}
