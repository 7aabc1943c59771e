package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.gateway.Gateway;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.LoggingConfig;

/**
 * Local mode applies what Lambda builds the execution environment from: layers in an /opt of the function's own,
 * variables from Secrets (not runnable until the Secret is there), file systems at their mount path, a private
 * /tmp per environment, the logging configuration. The functions are bash runtimes reporting what they see; the
 * Node.js one reports the variable local mode keeps from this machine's environment.
 */
@QuarkusTest
@TestProfile(LocalFieldsTest.Fields.class)
@Timeout(180)
class LocalFieldsTest {
    private static final Duration EVENTUALLY = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LambdaClient lambda;

    /** The directory of layers, the function reporting them, and the one mounting a file system (no Secret yet). */
    public static final class Fields extends LocalModeProfile {
        static final Path FILE_SYSTEMS = temporaryDirectory("lamina-filesystems-");
        static final Path MOUNT = Path.of("/mnt", "lamina-test-" + UUID.randomUUID());
        /** Where the extension of the function {@code extended} records what it got. */
        static final Path RECORD = FILE_SYSTEMS.resolve("extension-events.txt");
        /** examples/hello-java's handler, which the build packages before the operator's tests. */
        static final Path HELLO_JAR = Path.of("..", "examples", "hello-java", "target", "hello-java.jar")
                .toAbsolutePath().normalize();

        @Override
        protected Path directory() {
            Path dir = temporaryDirectory("lamina-local-fields-");
            try {
                executable(dir.resolve("layer-one/bin/greet"), "#!/bin/sh\necho one\n");
                Files.writeString(dir.resolve("layer-one/data.txt"), "from layer one");
                executable(dir.resolve("layer-two/bin/greet"), "#!/bin/sh\necho two\n");
                // An external extension as Lambda runs one from /opt/extensions: registers, then records its events.
                executable(dir.resolve("extension-layer/extensions/recorder"), """
                        #!/bin/bash
                        api="http://${AWS_LAMBDA_RUNTIME_API}/2020-01-01/extension"
                        headers=$(mktemp)
                        curl -sS -D "$headers" -o /dev/null -X POST "$api/register" \\
                          -H 'Lambda-Extension-Name: recorder' -d '{"events":["INVOKE"]}'
                        id=$(grep -i '^Lambda-Extension-Identifier:' "$headers" | cut -d' ' -f2 | tr -d '\\r\\n')
                        echo "registered $id" >> "@RECORD@"
                        while true; do
                          curl -sS -H "Lambda-Extension-Identifier: $id" "$api/event/next" >> "@RECORD@"
                          echo >> "@RECORD@"
                        done
                        """.replace("@RECORD@", RECORD.toString()));
                Files.createDirectories(dir.resolve("java-layer/java/lib"));
                Files.copy(HELLO_JAR, dir.resolve("java-layer/java/lib/hello-java.jar"));
                Files.writeString(dir.resolve("fields.yaml"), """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: probe-code}
                        data:
                          bootstrap: |
                            #!/bin/bash
                            set -euo pipefail
                            api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
                            headers=$(mktemp)
                            while true; do
                              curl -sS -D "$headers" -o /dev/null "$api/next"
                              id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d' ' -f2 | tr -d '\\r\\n')
                              echo kept > "$TMPDIR/kept"
                              printf '{"greet":"%s","data":"%s","opt":"%s","tmpdir":"%s","tmpFiles":"%s","apiKey":"%s"}' \\
                                "$(greet)" "$(cat "$LAMINA_OPT/data.txt")" "$LAMINA_OPT" "$TMPDIR" "$(ls "$TMPDIR" | tr '\\n' ' ')" \\
                                "${API_KEY:-}" > "$TMPDIR/answer"
                              curl -sS -o /dev/null --data-binary @"$TMPDIR/answer" "$api/$id/response"
                            done
                        ---
                        apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: mount-code}
                        data:
                          bootstrap: |
                            #!/bin/bash
                            set -euo pipefail
                            api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
                            headers=$(mktemp)
                            while true; do
                              curl -sS -D "$headers" -o /dev/null "$api/next"
                              id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d' ' -f2 | tr -d '\\r\\n')
                              echo "written at ${MOUNT}" > "${MOUNT}/note.txt"
                              curl -sS -o /dev/null -d '{}' "$api/$id/response"
                            done
                        ---
                        apiVersion: lamina.dev/v1alpha1
                        kind: Function
                        metadata: {name: probe}
                        spec:
                          runtime: provided.al2023
                          handler: probe
                          code: {configMap: probe-code}
                          layers: [{path: layer-one}, {path: layer-two}]
                          secretEnvironment:
                            - {name: API_KEY, secretKeyRef: {name: api, key: key}}
                          publish: true
                        ---
                        apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: node-env-code}
                        data:
                          index.js: |
                            exports.handler = async () => ({ extraCaCerts: process.env.NODE_EXTRA_CA_CERTS ?? '' });
                        ---
                        apiVersion: lamina.dev/v1alpha1
                        kind: Function
                        metadata: {name: node-env}
                        spec: {runtime: nodejs22.x, handler: index.handler, code: {configMap: node-env-code}}
                        ---
                        apiVersion: lamina.dev/v1alpha1
                        kind: Function
                        metadata: {name: node-env-own}
                        spec:
                          runtime: nodejs22.x
                          handler: index.handler
                          code: {configMap: node-env-code}
                          environment: {NODE_EXTRA_CA_CERTS: /etc/ssl/certs/ca-certificates.crt}
                        ---
                        apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: no-code}
                        data: {README: "The handler's classes come from a layer."}
                        ---
                        apiVersion: lamina.dev/v1alpha1
                        kind: Function
                        metadata: {name: extended}
                        spec:
                          runtime: provided.al2023
                          handler: mount
                          code: {configMap: mount-code}
                          environment: {MOUNT: "@TMP@"}
                          layers: [{path: extension-layer}]
                        ---
                        apiVersion: lamina.dev/v1alpha1
                        kind: Function
                        metadata: {name: java-from-layer}
                        spec:
                          runtime: java21
                          handler: example.Hello::handleRequest
                          code: {configMap: no-code}
                          layers: [{path: java-layer}]
                        ---
                        apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: logging-code}
                        data:
                          bootstrap: |
                            #!/bin/bash
                            set -euo pipefail
                            api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
                            headers=$(mktemp)
                            while true; do
                              curl -sS -D "$headers" -o /dev/null "$api/next"
                              id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d' ' -f2 | tr -d '\\r\\n')
                              echo '{"level":"WARN","message":"from the function"}'
                              printf '{"format":"%s","level":"%s","group":"%s"}' "${AWS_LAMBDA_LOG_FORMAT:-}" \\
                                "${AWS_LAMBDA_LOG_LEVEL:-}" "$AWS_LAMBDA_LOG_GROUP_NAME" > "$TMPDIR/answer"
                              curl -sS -o /dev/null --data-binary @"$TMPDIR/answer" "$api/$id/response"
                            done
                        ---
                        apiVersion: lamina.dev/v1alpha1
                        kind: Function
                        metadata: {name: json-logs}
                        spec:
                          runtime: provided.al2023
                          handler: unused
                          code: {configMap: logging-code}
                          loggingConfig: {logFormat: JSON, applicationLogLevel: WARN, logGroup: /team/json-logs}
                        ---
                        apiVersion: lamina.dev/v1alpha1
                        kind: Function
                        metadata: {name: mounted}
                        spec:
                          runtime: provided.al2023
                          handler: unused
                          code: {configMap: mount-code}
                          environment: {MOUNT: "@MOUNT@"}
                          fileSystems:
                            - {claimName: shared, path: /reports, mountPath: "@MOUNT@"}
                        """.replace("@MOUNT@", MOUNT.toString()).replace("@TMP@", FILE_SYSTEMS.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return dir;
        }

        @Override
        protected Map<String, String> extra() {
            return Map.of("lamina.local.file-systems-dir", FILE_SYSTEMS.toString());
        }

        private static void executable(Path file, String text) throws IOException {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @BeforeAll
    static void client() {
        lambda = Gateway.lambda();
    }

    @AfterAll
    static void close() throws IOException {
        lambda.close();
        Files.deleteIfExists(Fields.MOUNT);
    }

    @Test
    void layersSecretsAndTmpAreWhatTheFunctionSees() throws Exception {
        FunctionConfiguration waiting = lambda.getFunction(b -> b.functionName("probe")).configuration();
        assertThat(waiting.stateAsString()).isEqualTo("Failed");
        assertThat(waiting.stateReason()).contains("Secret api, which is not in the directory");

        Path dir = Path.of(ConfigProvider.getConfig().getValue("lamina.local.dir", String.class));
        Files.writeString(dir.resolve("secret.yaml"), """
                apiVersion: v1
                kind: Secret
                metadata: {name: api}
                stringData: {key: s3cr3t}
                """);
        await().atMost(EVENTUALLY).until(() -> "Active".equals(
                lambda.getFunction(b -> b.functionName("probe")).configuration().stateAsString()));

        JsonNode first = invoke("probe");
        assertThat(first.at("/greet").asText()).as("the later layer's file wins").isEqualTo("two");
        assertThat(first.at("/data").asText()).isEqualTo("from layer one");
        assertThat(first.at("/apiKey").asText()).isEqualTo("s3cr3t");
        Path tmp = Path.of(first.at("/tmpdir").asText());
        assertThat(tmp).isDirectory().isNotEqualTo(Path.of("/tmp"));
        assertThat(invoke("probe").at("/tmpFiles").asText()).as("/tmp lasts as long as its environment")
                .contains("kept").contains("answer");

        Files.writeString(dir.resolve("layer-two/bin/greet"), "#!/bin/sh\necho three\n");
        await().atMost(EVENTUALLY).until(() -> versions("probe").contains("2"));
        assertThat(invoke("probe").at("/greet").asText()).isEqualTo("three");
        assertThat(invoke("probe:1").at("/greet").asText()).as("a version keeps its layers").isEqualTo("two");
        assertThat(Path.of(invoke("probe:1").at("/opt").asText()))
                .isNotEqualTo(Path.of(invoke("probe").at("/opt").asText()));
    }

    @Test
    void anExtensionInALayerRegistersAtInitAndGetsEveryInvocation() throws Exception {
        var response = lambda.invoke(b -> b.functionName("extended").payload(Gateway.json("{}")));
        String requestId = response.responseMetadata().requestId();

        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        await().atMost(EVENTUALLY).until(() -> Files.exists(Fields.RECORD)
                && Files.readString(Fields.RECORD).contains(requestId));
        String recorded = Files.readString(Fields.RECORD);
        assertThat(recorded).startsWith("registered ");
        JsonNode event = JSON.readTree(recorded.lines().filter(line -> line.contains(requestId)).findFirst()
                .orElseThrow());
        assertThat(event.at("/eventType").asText()).isEqualTo("INVOKE");
        assertThat(event.at("/invokedFunctionArn").asText()).endsWith(":function:extended");
    }

    @Test
    void javaFindsTheJarsOfItsLayersJavaLib() throws Exception {
        var response = lambda.invoke(b -> b.functionName("java-from-layer")
                .payload(Gateway.json("{\"name\":\"Ada\"}")));

        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        assertThat(JSON.readTree(response.payload().asUtf8String()).at("/message").asText()).isEqualTo("Hello, Ada!");
    }

    @Test
    void nodeFunctionsGetNoExtraCaCertificatesUnlessTheirEnvironmentSetsThem() throws Exception {
        assumeTrue(NodeRuntime.find(System.getenv("PATH")) instanceof NodeRuntime.Found,
                "node is not on the PATH, so local mode cannot run a Node.js function");

        assertThat(invoke("node-env").at("/extraCaCerts").asText()).as("not this machine's, as on Lambda").isEmpty();
        assertThat(invoke("node-env-own").at("/extraCaCerts").asText())
                .isEqualTo("/etc/ssl/certs/ca-certificates.crt");
    }

    @Test
    void aFileSystemIsReachedAtItsMountPath() throws Exception {
        FunctionConfiguration mounted = lambda.getFunction(b -> b.functionName("mounted")).configuration();
        Path hostDirectory = Fields.FILE_SYSTEMS.resolve("shared").resolve("reports");
        if (!Files.isWritable(Fields.MOUNT.getParent())) {
            assertThat(mounted.stateReason()).as("where the link cannot be made, the function says which to make")
                    .contains("sudo ln -s " + hostDirectory + " " + Fields.MOUNT);
            return;
        }
        assertThat(mounted.stateAsString()).isEqualTo("Active");
        invoke("mounted");
        assertThat(hostDirectory.resolve("note.txt")).hasContent("written at " + Fields.MOUNT);
    }

    @Test
    void aJsonLoggingConfigurationReachesTheRuntimeAndShapesThePlatformsLines() throws Exception {
        var response = lambda.invoke(b -> b.functionName("json-logs").payload(Gateway.json("{}"))
                .logType(LogType.TAIL));
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();

        JsonNode seen = JSON.readTree(response.payload().asUtf8String());
        assertThat(seen.at("/format").asText()).isEqualTo("JSON");
        assertThat(seen.at("/level").asText()).isEqualTo("WARN");
        assertThat(seen.at("/group").asText()).isEqualTo("/team/json-logs");
        List<String> tail = new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8)
                .lines().toList();
        assertThat(tail).contains("{\"level\":\"WARN\",\"message\":\"from the function\"}")
                .noneMatch(line -> line.startsWith("START ") || line.startsWith("REPORT "));
        List<String> types = new ArrayList<>();
        for (String line : tail) {
            JsonNode event = JSON.readTree(line);
            if (event.at("/type").asText().startsWith("platform.")) {
                types.add(event.at("/type").asText());
                assertThat(event.at("/record/requestId").asText()).isEqualTo(response.responseMetadata().requestId());
            }
        }
        assertThat(types).containsExactly("platform.start", "platform.report");

        LoggingConfig config = lambda.getFunctionConfiguration(b -> b.functionName("json-logs")).loggingConfig();
        assertThat(config.logFormatAsString()).isEqualTo("JSON");
        assertThat(config.applicationLogLevelAsString()).isEqualTo("WARN");
        assertThat(config.systemLogLevelAsString()).isEqualTo("INFO");
        assertThat(config.logGroup()).isEqualTo("/team/json-logs");
        assertThat(lambda.getFunctionConfiguration(b -> b.functionName("probe")).loggingConfig().logFormatAsString())
                .isEqualTo("Text");
    }

    private static JsonNode invoke(String function) throws IOException {
        var response = lambda.invoke(b -> b.functionName(function).payload(Gateway.json("{}")));
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        return JSON.readTree(response.payload().asUtf8String());
    }

    private static List<String> versions(String function) {
        return lambda.listVersionsByFunction(b -> b.functionName(function)).versions().stream()
                .map(FunctionConfiguration::version).toList();
    }
}
