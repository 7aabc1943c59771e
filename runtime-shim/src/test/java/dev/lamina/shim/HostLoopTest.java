package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lamina.shim.support.LogLines;
import dev.lamina.shim.support.Runtimes;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A shim embedded on a host's event loop, as local mode's gateway runs its environments. */
@Timeout(120)
class HostLoopTest {

    private static final String FUNCTIONS = """
            handler() {
              echo "{\\"got\\": $1}"
            }
            stall() {
              sleep 30
              echo '{}'
            }
            """;

    @TempDir
    Path taskRoot;

    private final NioEventLoopGroup host = new NioEventLoopGroup(2);

    @AfterEach
    void stopHost() {
        host.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Shim start(String handler, EventLoop loop) throws Exception {
        return Shim.start(ShimConfig.builder()
                .functionName("hosted")
                .handler(handler)
                .timeout(Duration.ofSeconds(60))
                .workingDirectory(taskRoot)
                .runtimeCommand(Runtimes.curlFunction(taskRoot, FUNCTIONS).toString())
                .logSink(new LogLines())
                .build(), loop);
    }

    private static DirectInvocation invocation(String requestId, String payload) {
        return new DirectInvocation(requestId, payload.getBytes(StandardCharsets.UTF_8), null, null,
                "arn:aws:lambda:us-east-1:000000000000:function:hosted", false, true);
    }

    @Test
    void anInvocationMadeOnTheHostLoopIsAnsweredOnThatLoop() throws Exception {
        EventLoop loop = host.next();
        try (Shim shim = start("function.handler", loop)) {
            shim.readyFuture().get(60, TimeUnit.SECONDS);
            AtomicReference<Thread> answeredOn = new AtomicReference<>();
            CompletableFuture<DirectReply> reply = loop.submit(() -> shim.invoke(invocation("hosted-1", "7"))
                            .whenComplete((answer, error) -> answeredOn.set(Thread.currentThread())))
                    .get(10, TimeUnit.SECONDS);

            DirectReply answer = reply.get(30, TimeUnit.SECONDS);

            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("\"got\": 7");
            assertThat(loop.submit(() -> answeredOn.get() == Thread.currentThread() && shim.onCurrentThread())
                    .get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(shim.onCurrentThread()).isFalse();
        }
        assertThat(loop.isShuttingDown()).as("the host's loop outlives the shim").isFalse();
    }

    @Test
    void anAnswerLaterThanTheLimitFailsWithATimeout() throws Exception {
        try (Shim shim = start("function.stall", host.next())) {
            shim.readyFuture().get(60, TimeUnit.SECONDS);

            CompletableFuture<DirectReply> reply = shim.invoke(invocation("hosted-2", "{}"), Duration.ofMillis(300));

            assertThatThrownBy(() -> reply.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void aShimClosedAfterItsHostLoopStoppedStillKillsItsRuntime() throws Exception {
        Shim shim = start("function.handler", host.next());
        shim.readyFuture().get(60, TimeUnit.SECONDS);
        ProcessHandle runtime = ProcessHandle.current().children()
                .filter(child -> child.info().commandLine().orElse("").contains(taskRoot.toString()))
                .findFirst().orElseThrow();

        host.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        shim.close();

        assertThat(runtime.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
    }
}
