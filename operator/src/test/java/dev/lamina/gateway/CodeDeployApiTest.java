package dev.lamina.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.deployments.HookLedger;
import dev.lamina.deployments.HookReports.HookStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CodeDeploy's PutLifecycleEventHookExecutionStatus on the gateway in local mode, with hooks the test makes the ledger
 * expect: the bytes an AWS SDK sends, on a raw connection, and the AWS CLI where it is installed.
 */
@QuarkusTest
@TestProfile(OutcomesProfile.class)
@Timeout(120)
class CodeDeployApiTest {

    @Inject
    HookLedger ledger;

    @Test
    void anExpectedHookReportsItsStatusOnce() throws IOException {
        String deployment = deploymentId();
        ledger.expect(deployment, "pre-traffic-1");

        RawHttp.Answer accepted = put(deployment, "pre-traffic-1", "Succeeded");
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(accepted.headers()).containsEntry("content-type", "application/x-amz-json-1.1")
                .containsKey("x-amzn-requestid");
        assertThat(accepted.body()).isEqualTo("{\"lifecycleEventHookExecutionId\":\"pre-traffic-1\"}");
        assertThat(ledger.take(deployment, "pre-traffic-1")).contains(HookStatus.Succeeded);

        assertError(put(deployment, "pre-traffic-1", "Failed"), "LifecycleEventAlreadyCompletedException");
        assertThat(ledger.take(deployment, "pre-traffic-1")).contains(HookStatus.Succeeded);
    }

    @Test
    void reportsTheLedgerDoesNotExpectGetCodeDeploysErrors() throws IOException {
        String deployment = deploymentId();
        ledger.expect(deployment, "post-traffic-1");
        assertError(put(deploymentId(), "post-traffic-1", "Succeeded"), "DeploymentDoesNotExistException");
        assertError(put(deployment, "pre-traffic-1", "Succeeded"), "InvalidLifecycleEventHookExecutionIdException");

        ledger.expire(deployment, "post-traffic-1");
        assertError(put(deployment, "post-traffic-1", "Failed"), "LifecycleEventAlreadyCompletedException");
        assertThat(ledger.take(deployment, "post-traffic-1")).isEmpty();
    }

    @Test
    void malformedRequestsAreRefusedAsCodeDeployRefusesThem() throws IOException {
        String deployment = deploymentId();
        ledger.expect(deployment, "pre-traffic-1");
        assertError(put(deployment, "pre-traffic-1", "InProgress"), "InvalidLifecycleEventHookExecutionStatusException");
        assertError(send(CodeDeployApi.TARGET, "{\"lifecycleEventHookExecutionId\":\"pre-traffic-1\","
                + "\"status\":\"Succeeded\"}"), "DeploymentIdRequiredException");
        assertError(send(CodeDeployApi.TARGET, "{\"deploymentId\":\"" + deployment + "\",\"status\":\"Succeeded\"}"),
                "InvalidLifecycleEventHookExecutionIdException");
        assertError(send(CodeDeployApi.TARGET, "{\"deploymentId\":"), "SerializationException");
        assertError(send("CodeDeploy_20141006.GetDeployment", "{\"deploymentId\":\"" + deployment + "\"}"),
                "UnknownOperationException");
        assertThat(ledger.take(deployment, "pre-traffic-1")).isEmpty();
        assertThat(put(deployment, "pre-traffic-1", "Failed").status()).isEqualTo(200);
    }

    @Test
    void theAwsCliReportsAHookAndReadsCodeDeploysErrors() throws Exception {
        Optional<Path> aws = onPath("aws");
        Assumptions.assumeTrue(aws.isPresent(), "the AWS CLI (aws) is not installed: CLI check skipped");
        String deployment = deploymentId();
        ledger.expect(deployment, "post-traffic-1");

        Cli first = cli(aws.get(), deployment, "post-traffic-1", "Failed");
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(first.output()).contains("\"lifecycleEventHookExecutionId\": \"post-traffic-1\"");
        assertThat(ledger.take(deployment, "post-traffic-1")).contains(HookStatus.Failed);

        Cli second = cli(aws.get(), deployment, "post-traffic-1", "Succeeded");
        assertThat(second.exitCode()).isNotZero();
        assertThat(second.output()).contains("LifecycleEventAlreadyCompletedException");
    }

    private static void assertError(RawHttp.Answer answer, String type) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.headers()).containsEntry("content-type", "application/x-amz-json-1.1");
        assertThat(answer.body()).startsWith("{\"__type\":\"" + type + "\",\"message\":\"");
    }

    private static RawHttp.Answer put(String deployment, String execution, String status) throws IOException {
        return send(CodeDeployApi.TARGET, "{\"deploymentId\":\"" + deployment + "\",\"lifecycleEventHookExecutionId\":\""
                + execution + "\",\"status\":\"" + status + "\"}");
    }

    /** The request as the AWS SDK for Java v2 writes it (signed with dummy credentials; the gateway ignores them). */
    private static RawHttp.Answer send(String target, String body) throws IOException {
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST / HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + Gateway.endpoint().getPort() + "\r\n"
                + "amz-sdk-invocation-id: " + UUID.randomUUID() + "\r\n"
                + "amz-sdk-request: attempt=1; max=1\r\n"
                + "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/codedeploy/aws4_request, "
                + "SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-date;"
                + "x-amz-target, Signature=" + "0".repeat(64) + "\r\n"
                + "Content-Type: application/x-amz-json-1.1\r\n"
                + "User-Agent: aws-sdk-java/2.31.0 md/io#sync md/http#Apache ua/2.1 api/CodeDeploy#2.31.0\r\n"
                + "X-Amz-Date: 20260101T000000Z\r\n"
                + "X-Amz-Target: " + target + "\r\n"
                + "Content-Length: " + json.length + "\r\n"
                + "Connection: Keep-Alive\r\n\r\n";
        try (RawHttp connection = RawHttp.connect(Duration.ofSeconds(30))) {
            byte[] request = Arrays.copyOf(head.getBytes(StandardCharsets.ISO_8859_1),
                    head.length() + json.length);
            System.arraycopy(json, 0, request, head.length(), json.length);
            assertThat(connection.send(request)).isTrue();
            return connection.answer();
        }
    }

    /** A deployment id in CodeDeploy's form. */
    private static String deploymentId() {
        return "d-" + UUID.randomUUID().toString().replace("-", "").substring(0, 9).toUpperCase();
    }

    private record Cli(int exitCode, String output) {
    }

    private static Cli cli(Path aws, String deployment, String execution, String status) throws Exception {
        Path output = Files.createTempFile("lamina-aws-cli-", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(aws.toString(), "deploy",
                    "put-lifecycle-event-hook-execution-status", "--endpoint-url", Gateway.endpoint().toString(),
                    "--region", "us-east-1", "--output", "json", "--deployment-id", deployment,
                    "--lifecycle-event-hook-execution-id", execution, "--status", status)
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            Map<String, String> env = builder.environment();
            env.put("AWS_ACCESS_KEY_ID", "test");
            env.put("AWS_SECRET_ACCESS_KEY", "test");
            env.remove("AWS_SESSION_TOKEN");
            env.remove("AWS_PROFILE");
            env.put("AWS_CONFIG_FILE", "/dev/null");
            env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
            env.put("AWS_MAX_ATTEMPTS", "1");
            env.put("AWS_PAGER", "");
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("aws did not finish within 60 s: " + Files.readString(output));
            }
            return new Cli(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static Optional<Path> onPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, command)).filter(Files::isExecutable).findFirst();
    }
}
