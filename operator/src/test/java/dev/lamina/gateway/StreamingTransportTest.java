package dev.lamina.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lamina.environments.Slot;
import dev.lamina.environments.Transport;
import dev.lamina.shim.Shim;
import dev.lamina.shim.ShimConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A streamed response through the gateway's transports to an environment, with a real shim and a bash runtime that
 * streams: directly to the shim embedded in this process (local mode) and over HTTP to its invoke endpoint (a pod).
 * Both pass the chunks on one by one, in order, on the caller's context, end with the error and log tail, and stop
 * reading the runtime while the caller's stream is full.
 */
@Timeout(180)
class StreamingTransportTest {

    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:streamer";
    private static Vertx vertx;
    private static ShimClient client;
    private static Shim shim;
    private static Path code;

    enum Via {
        DIRECT(s -> new Transport.Direct(s)),
        HTTP(s -> new Transport.Http(s.invokeAddress()));

        final Function<Shim, Transport> transport;

        Via(Function<Shim, Transport> transport) {
            this.transport = transport;
        }
    }

    @TempDir
    Path gate;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        client = new ShimClient(vertx);
        code = Files.createTempDirectory("lamina-streamer-");
        Path bootstrap = code.resolve("bootstrap");
        Files.writeString(bootstrap, streamerBootstrap());
        Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwx------"));
        shim = Shim.start(ShimConfig.builder().functionName("streamer").invokePort(0).concurrency(1)
                .timeout(Duration.ofSeconds(60)).runtimeCommand(bootstrap.toString()).logSink(line -> { }).build());
        shim.readyFuture().get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        shim.close();
        client.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        dev.lamina.local.LocalModeProfile.delete(code);
    }

    /** The bootstrap of the test directory's streaming function, so both tests run the same runtime. */
    private static String streamerBootstrap() throws Exception {
        try (var docs = new YAMLMapper().readerFor(JsonNode.class)
                .<JsonNode>readValues(Path.of("src/test/resources/local-streaming/streamer.yaml").toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc.at("/kind").asText().equals("ConfigMap")) {
                    return doc.at("/data/bootstrap").asText();
                }
            }
        }
        throw new IllegalStateException("no ConfigMap with the bootstrap");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void chunksArriveOneByOneInOrderThenTheEndWithTheLogTail(Via via) throws Exception {
        Target target = new Target(false);
        CompletableFuture<ShimClient.Reply> reply = send(via, target, "ordered-" + via,
                new JsonObject().put("chunks", new JsonArray(List.of("one", "two", "three"))), true);

        assertThat(target.next()).isEqualTo("start ordered-" + via + " $LATEST text/plain");
        assertThat(target.next()).isEqualTo("one");
        release(1);
        assertThat(target.next()).isEqualTo("two");
        release(2);
        assertThat(target.next()).isEqualTo("three");
        String end = target.next();
        assertThat(end).startsWith("end null ");
        assertThat(new String(Base64.getDecoder().decode(end.substring("end null ".length())),
                StandardCharsets.UTF_8)).contains("START RequestId: ordered-" + via, "END RequestId: ordered-" + via);

        ShimClient.Reply answer = reply.get(60, TimeUnit.SECONDS);
        assertThat(answer.streamed()).isTrue();
        assertThat(answer.functionError()).isNull();
        assertThat(target.offContext).as("calls made off the caller's context").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void anErrorMidStreamEndsTheStream(Via via) throws Exception {
        Target target = new Target(false);
        CompletableFuture<ShimClient.Reply> reply = send(via, target, "failing-" + via,
                new JsonObject().put("chunks", new JsonArray(List.of("partial"))).put("fail", "broke"), false);

        assertThat(target.next()).startsWith("start failing-" + via);
        assertThat(target.next()).isEqualTo("partial");
        assertThat(target.next())
                .isEqualTo("end StreamFailure {\"errorMessage\":\"broke\",\"errorType\":\"StreamFailure\"} null");
        assertThat(reply.get(60, TimeUnit.SECONDS).functionError()).isEqualTo("Unhandled");
        assertThat(target.offContext).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aBufferedAnswerNeverStartsTheStream(Via via) throws Exception {
        Target target = new Target(false);
        ShimClient.Reply answer = send(via, target, "buffered-" + via, new JsonObject().put("buffered", true), false)
                .get(60, TimeUnit.SECONDS);

        assertThat(answer.streamed()).isFalse();
        assertThat(answer.body().toString()).isEqualTo("{\"buffered\":true}");
        assertThat(target.events).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aFullStreamHoldsTheRuntimeBackInsteadOfBufferingTheResponse(Via via) throws Exception {
        int megabytes = 96;
        Target target = new Target(true);
        CompletableFuture<ShimClient.Reply> reply = send(via, target, "big-" + via,
                new JsonObject().put("megabytes", megabytes), false);

        await().atMost(Duration.ofSeconds(60)).until(() -> target.received.get() > 0);
        // Nothing drains the stream: the runtime cannot get its response out, and the gateway holds little of it.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
                !Files.exists(gate.resolve("written")) && target.received.get() < megabytes * 1024L * 1024 / 4);
        assertThat(reply).isNotDone();

        target.drain();
        ShimClient.Reply answer = reply.get(120, TimeUnit.SECONDS);
        assertThat(answer.streamed()).isTrue();
        assertThat(target.received.get()).isEqualTo(megabytes * 1024L * 1024);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(gate.resolve("written")));
        assertThat(target.offContext).isEmpty();
    }

    private void release(int chunk) throws Exception {
        Files.createFile(gate.resolve(Integer.toString(chunk)));
    }

    /** Sends on a fresh context of its own, as a door's request handler would. */
    private CompletableFuture<ShimClient.Reply> send(Via via, Target target, String requestId, JsonObject event,
                                                     boolean tail) {
        event.put("gate", gate.toString());
        Context context = vertx.getOrCreateContext();
        target.context = context;
        InvokeRequest request = new InvokeRequest("default", "streamer", null, event.toBuffer(), false, tail, null,
                null, requestId);
        Slot slot = new Slot() {
            @Override
            public Transport transport() {
                return via.transport.apply(shim);
            }

            @Override
            public boolean mayWaitInEnvironment() {
                return true;
            }

            @Override
            public void release() {
            }
        };
        CompletableFuture<ShimClient.Reply> reply = new CompletableFuture<>();
        context.runOnContext(v -> client.send(slot, true, "streamer", request, null, requestId, ARN,
                        Duration.ofMinutes(2), new ShimClient.Streaming(target, "$LATEST", context))
                .onComplete(sent -> {
                    if (sent.succeeded()) {
                        reply.complete(sent.result());
                    } else {
                        reply.completeExceptionally(sent.cause());
                    }
                }));
        return reply;
    }

    /** Records what it is given, as text; a held one says it is full from its first chunk until drained. */
    private static final class Target implements ResponseStream {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final List<String> offContext = new CopyOnWriteArrayList<>();
        final AtomicLong received = new AtomicLong();
        volatile Context context;
        private volatile boolean held;
        private Runnable drain;

        Target(boolean held) {
            this.held = held;
        }

        private void onContext(String call) {
            if (Vertx.currentContext() != context) {
                offContext.add(call + " on " + Thread.currentThread().getName());
            }
        }

        @Override
        public void start(String requestId, String executedVersion, String contentType) {
            onContext("start");
            events.add("start " + requestId + " " + executedVersion + " " + contentType);
        }

        @Override
        public void write(Buffer chunk) {
            onContext("write");
            received.addAndGet(chunk.length());
            if (!held) {
                events.add(chunk.toString());
            }
        }

        @Override
        public boolean writeQueueFull() {
            return held;
        }

        @Override
        public void drainHandler(Runnable handler) {
            onContext("drainHandler");
            drain = handler;
        }

        @Override
        public void end(Failure error, String logResult) {
            onContext("end");
            events.add("end " + (error == null ? "null" : error.errorType() + " " + error.document()) + " "
                    + logResult);
        }

        /** Lets the stream flow from now on. */
        void drain() {
            context.runOnContext(v -> {
                held = false;
                Runnable handler = drain;
                drain = null;
                if (handler != null) {
                    handler.run();
                }
            });
        }

        String next() throws InterruptedException {
            String event = events.poll(60, TimeUnit.SECONDS);
            assertThat(event).as("the next call within 60 s").isNotNull();
            return event;
        }
    }
}
