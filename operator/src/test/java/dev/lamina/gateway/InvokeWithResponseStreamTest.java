package dev.lamina.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lamina.local.LocalModeProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvokeWithResponseStreamCompleteEvent;
import software.amazon.awssdk.services.lambda.model.InvokeWithResponseStreamRequest;
import software.amazon.awssdk.services.lambda.model.InvokeWithResponseStreamResponse;
import software.amazon.awssdk.services.lambda.model.InvokeWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * InvokeWithResponseStream through the AWS SDK v2's async client against local mode, with a function that streams
 * from bash: the chunks reach the client one by one as the function writes them, the end carries the function's
 * error and log tail, a buffered answer comes as one chunk, errors before the stream are Lambda's error answers.
 */
@QuarkusTest
@TestProfile(LocalModeProfile.Streaming.class)
@Timeout(180)
class InvokeWithResponseStreamTest {

    private static LambdaAsyncClient lambda;

    @BeforeAll
    static void client() {
        lambda = LambdaAsyncClient.builder()
                .endpointOverride(Gateway.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().readTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofMinutes(2)))
                .build();
    }

    @AfterAll
    static void close() {
        lambda.close();
    }

    @Test
    void chunksArriveAsTheFunctionWritesThemAndTheEndCarriesTheLogTail(@TempDir Path gate) throws Exception {
        Call call = call(b -> b.functionName("streamer").logType(LogType.TAIL)
                .payload(event("{\"chunks\":[\"one\",\"two\",\"three\"],\"gate\":\"" + gate + "\"}")));

        assertThat(call.next()).isEqualTo("one");
        assertThat(gate.resolve("1")).as("the function waits for the test before its second chunk").doesNotExist();
        Files.createFile(gate.resolve("1"));
        assertThat(call.next()).isEqualTo("two");
        Files.createFile(gate.resolve("2"));
        assertThat(call.next()).isEqualTo("three");
        InvokeWithResponseStreamCompleteEvent complete = call.complete();
        call.done.get(60, TimeUnit.SECONDS);

        assertThat(complete.errorCode()).isNull();
        assertThat(complete.errorDetails()).isNull();
        String log = new String(Base64.getDecoder().decode(complete.logResult()), StandardCharsets.UTF_8);
        assertThat(log).contains("streaming for request", "END RequestId:", "REPORT RequestId:");
        InvokeWithResponseStreamResponse response = call.response.get();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.executedVersion()).isEqualTo("$LATEST");
        assertThat(response.sdkHttpResponse().firstMatchingHeader("Content-Type"))
                .hasValue("application/vnd.amazon.eventstream");
        assertThat(response.sdkHttpResponse().firstMatchingHeader("X-Amzn-Remapped-Content-Type"))
                .hasValue("text/plain");
    }

    @Test
    void anErrorMidStreamArrivesInInvokeComplete() throws Exception {
        Call call = call(b -> b.functionName("streamer")
                .payload(event("{\"chunks\":[\"partial\"],\"fail\":\"broke halfway\"}")));

        assertThat(call.next()).isEqualTo("partial");
        InvokeWithResponseStreamCompleteEvent complete = call.complete();
        assertThat(complete.errorCode()).isEqualTo("StreamFailure");
        assertThat(complete.errorDetails()).isEqualTo("broke halfway");
        assertThat(complete.logResult()).isNull();
        call.done.get(60, TimeUnit.SECONDS);
    }

    @Test
    void aBufferedAnswerComesAsOneChunk() throws Exception {
        Call call = call(b -> b.functionName("streamer").qualifier("$LATEST").payload(event("{\"buffered\":true}")));

        assertThat(call.next()).isEqualTo("{\"buffered\":true}");
        assertThat(call.complete().errorCode()).isNull();
        call.done.get(60, TimeUnit.SECONDS);
        assertThat(call.response.get().sdkHttpResponse().firstMatchingHeader("X-Amzn-Remapped-Content-Type"))
                .hasValue("application/json");
    }

    @Test
    void errorsBeforeTheStreamAreLambdasErrorAnswers() {
        assertThatThrownBy(() -> call(b -> b.functionName("nope").payload(event("{}"))).done.get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("Function not found: "
                            + "arn:aws:lambda:us-east-1:000000000000:function:nope");
                });
        assertThatThrownBy(() -> call(b -> b.functionName("streamer").invocationType("Event")
                .payload(event("{}"))).done.get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e -> assertThat(e.getMessage())
                        .contains("Member must satisfy enum value set: [RequestResponse, DryRun]"));
    }

    private static SdkBytes event(String json) {
        return SdkBytes.fromString(json, StandardCharsets.UTF_8);
    }

    private static Call call(Consumer<InvokeWithResponseStreamRequest.Builder> request) {
        Call call = new Call();
        InvokeWithResponseStreamResponseHandler handler = InvokeWithResponseStreamResponseHandler.builder()
                .onResponse(call.response::set)
                .subscriber(InvokeWithResponseStreamResponseHandler.Visitor.builder()
                        .onPayloadChunk(chunk -> call.events.add(chunk.payload().asUtf8String()))
                        .onInvokeComplete(call.events::add)
                        .build())
                .build();
        call.done = lambda.invokeWithResponseStream(request, handler);
        return call;
    }

    /** One call's events, as the SDK hands them over. */
    private static final class Call {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        final AtomicReference<InvokeWithResponseStreamResponse> response = new AtomicReference<>();
        CompletableFuture<Void> done;

        String next() throws InterruptedException {
            return (String) event();
        }

        InvokeWithResponseStreamCompleteEvent complete() throws InterruptedException {
            return (InvokeWithResponseStreamCompleteEvent) event();
        }

        private Object event() throws InterruptedException {
            Object event = events.poll(60, TimeUnit.SECONDS);
            assertThat(event).as("an event within 60 s (call: %s)", done).isNotNull();
            return event;
        }
    }
}
