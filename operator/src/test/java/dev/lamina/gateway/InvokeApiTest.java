package dev.lamina.gateway;

import static dev.lamina.gateway.Gateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.lamina.local.LocalModeProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetAliasResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvalidRequestContentException;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.ListFunctionsResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.PackageType;
import software.amazon.awssdk.services.lambda.model.RequestTooLargeException;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.State;
import software.amazon.awssdk.services.lambda.model.StateReasonCode;

/** The Invoke API and the control-plane reads, through the real AWS SDK, against local mode serving examples/. */
@QuarkusTest
@TestProfile(LocalModeProfile.Examples.class)
class InvokeApiTest {

    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:";
    /** examples/reference's image function, in namespace media. */
    private static final String MEDIA_THUMBNAIL = "arn:aws:lambda:us-east-1:"
            + new Accounts("default", "000000000000").accountId("media") + ":function:thumbnail";
    private static LambdaClient lambda;

    @BeforeAll
    static void client() {
        lambda = Gateway.lambda();
    }

    @AfterAll
    static void close() {
        lambda.close();
    }

    private static InvokeResponse invoke(String function, String qualifier, String payload) {
        return lambda.invoke(b -> b.functionName(function).qualifier(qualifier).payload(json(payload)));
    }

    @Test
    void invokesByNameFullArnPartialArnAndQualifier() {
        InvokeResponse latest = invoke("hello-bash", null, "{\"n\":1}");
        assertThat(latest.statusCode()).isEqualTo(200);
        assertThat(latest.functionError()).isNull();
        assertThat(latest.executedVersion()).isEqualTo("$LATEST");
        assertThat(latest.payload().asUtf8String())
                .isEqualTo("{\"message\":\"Hello from hello-bash version $LATEST\",\"event\":{\"n\":1}}");

        InvokeResponse byArn = invoke(ARN + "hello-bash:1", null, "{}");
        assertThat(byArn.executedVersion()).isEqualTo("1");
        assertThat(byArn.payload().asUtf8String()).contains("Howdy from hello-bash version 1");

        InvokeResponse byPartialArn = invoke("000000000000:function:hello-bash", "2", "{}");
        assertThat(byPartialArn.executedVersion()).isEqualTo("2");
        assertThat(byPartialArn.payload().asUtf8String()).contains("Hello from hello-bash version 2");

        assertThat(invoke("hello-bash:$LATEST", null, "{}").executedVersion()).isEqualTo("$LATEST");
        assertThat(invoke("hello-bash", "live", "{}").executedVersion()).isIn("1", "2");
        assertThat(invoke(ARN + "hello-bash", "live", "{}").executedVersion()).isIn("1", "2");
    }

    @Test
    void runsTheJavaExampleUnderTheAwsRuntimeInterfaceClient() {
        String context = Base64.getEncoder().encodeToString(
                "{\"custom\":{\"tenant\":\"t-42\"}}".getBytes(StandardCharsets.UTF_8));
        InvokeResponse response = lambda.invoke(b -> b.functionName("hello-java").clientContext(context)
                .payload(json("{\"name\":\"Ada\"}")));
        assertThat(response.functionError()).isNull();
        String body = response.payload().asUtf8String();
        assertThat(body).contains("\"message\":\"Hello, Ada!\"")
                .contains("\"functionVersion\":\"$LATEST\"")
                .contains("\"invokedFunctionArn\":\"" + ARN + "hello-java\"")
                .contains("\"clientContext\":{\"tenant\":\"t-42\"}");
    }

    @Test
    void aHandlerExceptionComesBackAsAFunctionError() {
        InvokeResponse response = invoke("hello-java", null, "{\"fail\":\"on purpose\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.functionError()).isNotEmpty();
        assertThat(response.payload().asUtf8String())
                .contains("\"errorMessage\":\"asked to fail: on purpose\"")
                .contains("\"errorType\":\"java.lang.IllegalArgumentException\"")
                .contains("\"stackTrace\":[\"example.Hello.handleRequest(Hello.java");
    }

    @Test
    void logTypeTailReturnsThisInvocationsLog() {
        InvokeResponse response = lambda.invoke(b -> b.functionName("hello-bash").logType(LogType.TAIL)
                .payload(json("{}")));
        String log = new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
        String requestId = response.responseMetadata().requestId();
        assertThat(log).contains("START RequestId: " + requestId)
                .contains("greeting for request " + requestId)
                .contains("END RequestId: " + requestId)
                .contains("REPORT RequestId: " + requestId);
        assertThat(invoke("hello-bash", null, "{}").logResult()).isNull();
    }

    @Test
    void dryRunChecksWithoutInvokingAndEventIsQueued() {
        InvokeResponse dryRun = lambda.invoke(b -> b.functionName("hello-bash").invocationType(InvocationType.DRY_RUN));
        assertThat(dryRun.statusCode()).isEqualTo(204);
        assertThatThrownBy(() -> lambda.invoke(b -> b.functionName("nope").invocationType(InvocationType.DRY_RUN)))
                .isInstanceOf(ResourceNotFoundException.class);
        InvokeResponse event = lambda.invoke(b -> b.functionName("hello-bash").invocationType(InvocationType.EVENT)
                .payload(json("{}")));
        assertThat(event.statusCode()).isEqualTo(202);
        assertThat(event.payload().asByteArray()).isEmpty();
        assertThatThrownBy(() -> lambda.invoke(b -> b.functionName(MEDIA_THUMBNAIL)
                .invocationType(InvocationType.EVENT).payload(json("{}")))).as("an image function cannot run locally")
                .isInstanceOfSatisfying(ResourceConflictException.class, e -> assertThat(e.statusCode()).isEqualTo(409));
    }

    @Test
    void unknownFunctionsVersionsAndAliasesAreNotFound() {
        assertThatThrownBy(() -> invoke("nope", null, "{}"))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException");
                    assertThat(e.getMessage()).contains("Function not found: " + ARN + "nope");
                });
        assertThatThrownBy(() -> invoke("hello-bash", "9", "{}")).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining(ARN + "hello-bash:9");
        assertThatThrownBy(() -> invoke("hello-bash:nosuchalias", null, "{}"))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> invoke("arn:aws:lambda:us-east-1:111111111111:function:hello-bash", null, "{}"))
                .as("another account's function").isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void badRequestsGetLambdasErrors() {
        assertThatThrownBy(() -> invoke("hello-bash", null, "not json"))
                .isInstanceOfSatisfying(InvalidRequestContentException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("Could not parse request body into json");
                });
        assertThatThrownBy(() -> invoke("hello-bash:live", "1", "{}"))
                .isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("does not match");
        assertThatThrownBy(() -> lambda.invoke(b -> b.functionName("hello-bash").clientContext("not base64!")
                .payload(json("{}")))).isInstanceOf(InvalidParameterValueException.class);
        byte[] seven = new byte[7 * 1024 * 1024];
        Arrays.fill(seven, (byte) ' ');
        seven[0] = '"';
        seven[seven.length - 1] = '"';
        assertThatThrownBy(() -> lambda.invoke(b -> b.functionName("hello-bash")
                .payload(SdkBytes.fromByteArray(seven))))
                .isInstanceOfSatisfying(RequestTooLargeException.class, e -> assertThat(e.statusCode()).isEqualTo(413));
    }

    /**
     * 2000 invocations of an alias weighted 90/10. The count of version 2 is binomial (n = 2000, p = 0.1): mean 200,
     * standard deviation 13.4. The bounds are mean ± 5 standard deviations, so a correct split fails this test with a
     * probability below one in a million, while a split of 85/15 or 95/5 fails it almost surely.
     */
    @Test
    void anAliasSplitsTrafficByItsWeights() throws Exception {
        int calls = 2000;
        List<Future<String>> versions = new ArrayList<>();
        try (ExecutorService callers = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < calls; i++) {
                versions.add(callers.submit(() -> invoke("hello-bash:live", null, "{}").executedVersion()));
            }
        }
        int one = 0;
        int two = 0;
        for (Future<String> v : versions) {
            switch (v.get()) {
                case "1" -> one++;
                case "2" -> two++;
                default -> throw new AssertionError("unexpected version " + v.get());
            }
        }
        assertThat(one + two).isEqualTo(calls);
        assertThat(two).isBetween(133, 267);
    }

    @Test
    void getFunctionAndListsAnswerInAwsShapes() {
        GetFunctionResponse function = lambda.getFunction(b -> b.functionName("hello-bash"));
        FunctionConfiguration latest = function.configuration();
        assertThat(latest.functionName()).isEqualTo("hello-bash");
        assertThat(latest.functionArn()).isEqualTo(ARN + "hello-bash");
        assertThat(latest.runtimeAsString()).isEqualTo("provided.al2023");
        assertThat(latest.version()).isEqualTo("$LATEST");
        assertThat(latest.state()).isEqualTo(State.ACTIVE);
        assertThat(latest.packageType()).isEqualTo(PackageType.ZIP);
        assertThat(latest.timeout()).isEqualTo(3);
        assertThat(latest.memorySize()).isEqualTo(128);
        assertThat(latest.environment().variables()).containsEntry("GREETING", "Hello");
        assertThat(latest.codeSha256()).isNotEmpty();
        assertThat(function.code().repositoryType()).isEqualTo("S3");

        FunctionConfiguration one = lambda.getFunction(b -> b.functionName("hello-bash").qualifier("1"))
                .configuration();
        assertThat(one.version()).isEqualTo("1");
        assertThat(one.functionArn()).isEqualTo(ARN + "hello-bash:1");
        assertThat(one.environment().variables()).containsEntry("GREETING", "Howdy");
        assertThat(lambda.getFunctionConfiguration(b -> b.functionName("hello-java")).handler())
                .isEqualTo("example.Hello::handleRequest");

        ListFunctionsResponse all = lambda.listFunctions();
        assertThat(all.functions()).extracting(FunctionConfiguration::functionName)
                .as("the default namespace's functions under examples/")
                .containsExactly("edge-ab-split", "edge-cache-headers", "edge-country-redirect", "edge-security-headers",
                        "edge-site", "greeter", "hello-bash", "hello-java", "hello-node", "hello-python", "thumbnail",
                        "thumbnail-cleanup");
        FunctionConfiguration image = lambda.getFunction(b -> b.functionName(MEDIA_THUMBNAIL)).configuration();
        assertThat(image.state()).as("an image function cannot run locally").isEqualTo(State.FAILED);
        assertThat(image.stateReasonCode()).isEqualTo(StateReasonCode.INVALID_IMAGE);
        ListFunctionsResponse firstPage = lambda.listFunctions(b -> b.maxItems(2));
        assertThat(firstPage.functions()).hasSize(2);
        assertThat(lambda.listFunctions(b -> b.marker(firstPage.nextMarker())).functions())
                .extracting(FunctionConfiguration::functionName)
                .containsExactly("edge-country-redirect", "edge-security-headers", "edge-site", "greeter", "hello-bash",
                        "hello-java", "hello-node", "hello-python", "thumbnail", "thumbnail-cleanup");

        assertThat(lambda.listVersionsByFunction(b -> b.functionName("hello-bash")).versions())
                .extracting(FunctionConfiguration::version).containsExactly("$LATEST", "1", "2");

        GetAliasResponse live = lambda.getAlias(b -> b.functionName("hello-bash").name("live"));
        assertThat(live.aliasArn()).isEqualTo(ARN + "hello-bash:live");
        assertThat(live.functionVersion()).isEqualTo("1");
        assertThat(live.routingConfig().additionalVersionWeights()).containsEntry("2", 0.1);
        assertThat(lambda.listAliases(b -> b.functionName("hello-bash")).aliases())
                .extracting(AliasConfiguration::name, AliasConfiguration::functionVersion,
                        a -> a.routingConfig() == null ? Map.of() : a.routingConfig().additionalVersionWeights())
                .containsExactly(tuple("live", "1", Map.of("2", 0.1)), tuple("stable", "2", Map.of()));
        assertThat(lambda.listAliases(b -> b.functionName("hello-bash").functionVersion("2")).aliases())
                .as("the alias following the latest version went straight to it: nothing to shift from")
                .extracting(AliasConfiguration::name).containsExactly("stable");
        assertThatThrownBy(() -> lambda.getAlias(b -> b.functionName("hello-bash").name("dark")))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> lambda.getFunction(b -> b.functionName("nope")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void metricsCountInvocationsErrorsAndDurationPerFunctionResourceAndVersion() {
        double before = Gateway.metric("lambda_errors_total", "function_name=\"hello-java\"",
                "resource=\"hello-java\"", "executed_version=\"$LATEST\"");
        invoke("hello-java", null, "{\"fail\":1}");
        invoke("hello-bash", "1", "{}");
        assertThat(Gateway.metric("lambda_errors_total", "function_name=\"hello-java\"", "resource=\"hello-java\"",
                "executed_version=\"$LATEST\"")).isEqualTo(Math.max(0, before) + 1);
        assertThat(Gateway.metric("lambda_invocations_total", "function_name=\"hello-bash\"",
                "resource=\"hello-bash:1\"", "executed_version=\"1\"")).isGreaterThanOrEqualTo(1);
        assertThat(Gateway.metric("lambda_duration_seconds_count", "function_name=\"hello-bash\"",
                "resource=\"hello-bash:1\"")).isGreaterThanOrEqualTo(1);
        assertThat(Gateway.metric("lambda_concurrent_executions", "function_name=\"hello-bash\"")).isZero();
        assertThat(Gateway.metric("lamina_environments", "function_name=\"hello-bash\"", "executed_version=\"1\"",
                "state=\"ready\"")).isGreaterThanOrEqualTo(1);
    }
}
