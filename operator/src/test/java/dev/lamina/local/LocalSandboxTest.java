package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.api.CodeSource;
import dev.lamina.api.FunctionSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What surrounds a function's code in local mode: Lambda's layer paths per runtime, secret variables. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LocalSandboxTest {

    @TempDir
    Path root;

    @Test
    void nodeAndPythonFindTheirLayersWhereLambdaPutsThem() {
        Path opt = root.resolve("opt");

        Map<String, String> node = LocalSandbox.layerVariables("nodejs22.x", opt);
        Map<String, String> python = LocalSandbox.layerVariables("python3.12", opt);

        assertThat(node).containsEntry("NODE_PATH", opt + "/nodejs/node22/node_modules:" + opt + "/nodejs/node_modules")
                .containsEntry(LocalSandbox.OPT_VARIABLE, opt.toString()).doesNotContainKey("PYTHONPATH");
        assertThat(node.get("PATH")).endsWith(":" + opt + "/bin");
        assertThat(node.get("LD_LIBRARY_PATH")).endsWith(opt + "/lib");
        assertThat(python).containsEntry("PYTHONPATH",
                opt + "/python/lib/python3.12/site-packages:" + opt + "/python").doesNotContainKey("NODE_PATH");
    }

    @Test
    void aMissingSecretOrKeyIsTheReasonTheFunctionCannotRun() {
        LocalSandbox sandbox = new LocalSandbox(root);
        FunctionSpec spec = spec(List.of(new FunctionSpec.SecretEnvVar("API_KEY",
                new FunctionSpec.SecretKeyRef("api", "key"))));
        Secret withoutKey = new SecretBuilder().withNewMetadata().withName("api").endMetadata()
                .withStringData(Map.of("other", "x")).build();
        Secret withKey = new SecretBuilder().withNewMetadata().withName("api").endMetadata()
                .withData(Map.of("key", "czNjcjN0")).build();

        assertThat(sandbox.prepare(spec, null, Map.of())).isInstanceOfSatisfying(LocalSandbox.Refused.class,
                refused -> assertThat(refused.state().reason())
                        .isEqualTo("secretEnvironment API_KEY names Secret api, which is not in the directory."));
        assertThat(sandbox.prepare(spec, null, Map.of("api", withoutKey)))
                .isInstanceOfSatisfying(LocalSandbox.Refused.class, refused -> assertThat(refused.state().reason())
                        .isEqualTo("secretEnvironment API_KEY names key key, which Secret api does not have."));
        assertThat(sandbox.prepare(spec, null, Map.of("api", withKey)))
                .isInstanceOfSatisfying(LocalSandbox.Prepared.class, prepared -> assertThat(prepared.variables())
                        .containsEntry("API_KEY", "s3cr3t"));
    }

    private static FunctionSpec spec(List<FunctionSpec.SecretEnvVar> secrets) {
        return new FunctionSpec(null, "provided.al2023", new CodeSource("code", null, null, null, null), null,
                null, "handler", null, null, null, null, null, secrets, null, null, null, null, null, null, null, null, null);
    }
}
