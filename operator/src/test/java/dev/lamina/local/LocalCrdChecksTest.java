package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Local mode refuses at load what {@code kubectl apply} refuses, with the API server's message naming the field: the
 * specs a probe of local mode found loaded without a word, each of which then failed at every call or hung.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalCrdChecksTest {

    private static final String FUNCTION = """
            apiVersion: lamina.dev/v1alpha1
            kind: Function
            metadata: {name: %s}
            spec:
              runtime: provided.al2023
              handler: function.handler
              code: {path: code}
            %s""";

    @TempDir
    Path dir;

    static Stream<Arguments> probes() {
        String longName = "a".repeat(80);
        return Stream.of(
                function("env name with a dash", "  environment: {LOG-LEVEL: debug}",
                        "spec.environment: Invalid value: \"object\": environment variable names start with a letter"
                                + " and hold only letters, digits and underscores"),
                function("AWS_REGION", "  environment: {AWS_REGION: eu-west-1}",
                        "spec.environment: Invalid value: \"object\": sets a variable the Lambda runtime sets itself"),
                function("AWS_ACCESS_KEY_ID", "  environment: {AWS_ACCESS_KEY_ID: AKIAEXAMPLE}",
                        "spec.environment: Invalid value: \"object\": AWS credentials do not belong in plain"
                                + " environment variables"),
                function("more than 4 KB of environment", "  environment: {A: " + "a".repeat(2100) + ", B: "
                                + "b".repeat(2100) + "}",
                        "spec.environment: Invalid value: \"object\": Lambda was unable to configure your environment"
                                + " variables because the environment variables you have provided exceeded the 4KB"
                                + " limit"),
                function("one value longer than 4 KB", "  environment: {CONFIG: " + "c".repeat(5000) + "}",
                        "spec.environment.CONFIG: Too long: may not be more than 4096 bytes"),
                function("five async retries", "  async: {maximumRetryAttempts: 5}",
                        "spec.async.maximumRetryAttempts: Invalid value: 5: spec.async.maximumRetryAttempts in body"
                                + " should be less than or equal to 2"),
                function("100 MB of /tmp", "  ephemeralStorageMB: 100",
                        "spec.ephemeralStorageMB: Invalid value: 100: spec.ephemeralStorageMB in body should be"
                                + " greater than or equal to 512"),
                function("two file systems at one path", "  fileSystems: [{claimName: shared-assets, mountPath:"
                                + " /mnt/assets}, {claimName: fonts, mountPath: /mnt/assets}]",
                        "spec.fileSystems: Invalid value: \"array\": fileSystems mount paths must be unique"),
                Arguments.of("metadata.name Bad_Name", FUNCTION.formatted("Bad_Name", ""),
                        "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of"),
                Arguments.of("an 80-character name", FUNCTION.formatted(longName, ""),
                        "<nil>: Invalid value: \"object\": a Function name is also its Lambda name: at most 64"),
                function("20000 MB of memory", "  memoryMB: 20000",
                        "spec.memoryMB: Invalid value: 20000: spec.memoryMB in body should be less than or equal to"
                                + " 10240"),
                function("a timeout of 0 s", "  timeoutSeconds: 0",
                        "spec.timeoutSeconds: Invalid value: 0: spec.timeoutSeconds in body should be greater than or"
                                + " equal to 1"),
                function("a timeout of 5000 s", "  timeoutSeconds: 5000",
                        "spec.timeoutSeconds: Invalid value: 5000: spec.timeoutSeconds in body should be less than or"
                                + " equal to 900"),
                function("reserved concurrency -1", "  concurrency: {reserved: -1}",
                        "spec.concurrency.reserved: Invalid value: -1: spec.concurrency.reserved in body should be"
                                + " greater than or equal to 0"),
                function("0 invocations per environment", "  concurrency: {perEnvironment: 0}",
                        "spec.concurrency.perEnvironment: Invalid value: 0: spec.concurrency.perEnvironment in body"
                                + " should be greater than or equal to 1"),
                Arguments.of("an alias named like a version", """
                        apiVersion: lamina.dev/v1alpha1
                        kind: Alias
                        metadata: {name: fn-7}
                        spec: {function: fn, name: "7", functionVersion: "1"}
                        """, "spec.name: Invalid value: \"string\": an alias name cannot be a number"),
                Arguments.of("a FunctionVersion numbered 0", """
                        apiVersion: lamina.dev/v1alpha1
                        kind: FunctionVersion
                        metadata: {name: fn-0}
                        spec: {function: fn, version: "0", snapshot: {image: example/fn:1}}
                        """, "spec.version: Invalid value: \"0\": spec.version in body should match"),
                Arguments.of("a mapping's batch above Kinesis's", """
                        apiVersion: lamina.dev/v1alpha1
                        kind: EventSourceMapping
                        metadata: {name: clicks}
                        spec:
                          function: fn
                          source: {kinesis: {streamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/clicks"}}
                          startingPosition: LATEST
                          batchSize: 20000
                        """, "spec.batchSize: Invalid value: 20000: spec.batchSize in body should be less than or"
                        + " equal to 10000"));
    }

    private static Arguments function(String probe, String spec, String message) {
        return Arguments.of(probe, FUNCTION.formatted("fn", spec + "\n"), message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("probes")
    void isRefusedAtLoadWithTheFieldNamed(String probe, String yaml, String message) throws Exception {
        Files.writeString(dir.resolve("probe.yaml"), yaml);
        ResourceFiles.Contents contents = ResourceFiles.read(dir);
        assertThat(contents.documents()).as("nothing of the file is used").isEmpty();
        assertThat(contents.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.fatal()).isTrue();
            assertThat(problem.message()).matches("The \\w+ \"[^\"]+\" is invalid: .*").contains(message);
        });
    }

    @Test
    void secretEnvironmentCountsTowardsTheFourKilobytes() throws Exception {
        Files.writeString(dir.resolve("fn.yaml"), FUNCTION.formatted("fn", """
                  environment: {CONFIG: %s}
                  secretEnvironment:
                    - {name: TOKEN, secretKeyRef: {name: api, key: token}}
                """.formatted("c".repeat(3000))) + """
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: api}
                stringData: {token: %s}
                """.formatted("t".repeat(1100)));
        ResourceFiles.Contents contents = ResourceFiles.read(dir);
        assertThat(contents.problems()).as("each part alone is within the CRD's bounds").isEmpty();
        var secrets = DirectoryIndex.of(contents).secrets().get("default");
        var function = contents.documents().stream().map(ResourceFiles.Document::resource)
                .filter(dev.lamina.api.Function.class::isInstance).map(dev.lamina.api.Function.class::cast)
                .findFirst().orElseThrow();
        assertThat(LocalChecks.function(function.getSpec(), secrets)).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("Lambda was unable to configure your environment variables because the environment"
                        + " variables you have provided exceeded the 4KB limit. Measured: 4124 bytes"));
    }
}
