package dev.lamina.shim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lamina.shim.support.JsonDocs;
import dev.lamina.shim.support.LogLines;
import dev.lamina.shim.support.Runtimes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A streamed response of an embedded shim handed to the caller chunk by chunk, as local mode's gateway gets it. */
@Timeout(120)
class DirectStreamTest {

    /**
     * Streams the words of the event ({@code "one two"}) as one chunk each, writing chunk i (from 1) only once the
     * file {@code gate/<i>} exists in the working directory; an event starting with {@code fail} ends the stream with
     * an error in the trailers; {@code buffered} answers without streaming.
     */
    private static final String STREAMING = """
            #!/bin/bash
            set -euo pipefail
            api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
            headers=$(mktemp)
            while true; do
              event=$(curl -sS -D "$headers" "$api/next" | tr -d '"')
              id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d' ' -f2 | tr -d '\\r\\n')
              if [ "$event" = buffered ]; then
                curl -sS -o /dev/null -X POST "$api/$id/response" -d '{"buffered":true}'
                continue
              fi
              exec 3<>"/dev/tcp/${AWS_LAMBDA_RUNTIME_API%:*}/${AWS_LAMBDA_RUNTIME_API##*:}"
              printf 'POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\\r\\nHost: x\\r\\nLambda-Runtime-Function-Response-Mode: streaming\\r\\nTransfer-Encoding: chunked\\r\\nContent-Type: text/plain\\r\\n\\r\\n' "$id" >&3
              i=0
              for word in $event; do
                if [ "$i" -gt 0 ]; then until [ -e "gate/$i" ]; do sleep 0.01; done; fi
                printf '%x\\r\\n%s\\r\\n' "${#word}" "$word" >&3
                i=$((i + 1))
              done
              case "$event" in
                fail*) printf '0\\r\\nLambda-Runtime-Function-Error-Type: StreamFailure\\r\\nLambda-Runtime-Function-Error-Body: %s\\r\\n\\r\\n' \\
                         "$(printf '{"errorMessage":"broke","errorType":"StreamFailure"}' | base64 -w0)" >&3 ;;
                *) printf '0\\r\\n\\r\\n' >&3 ;;
              esac
              read -r status <&3 || true
              exec 3<&- 3>&-
            done
            """;

    @TempDir
    Path taskRoot;

    private final LogLines log = new LogLines();

    private Shim start() throws Exception {
        Files.createDirectories(taskRoot.resolve("gate"));
        return Shim.start(ShimConfig.builder()
                .functionName("stream-fn")
                .timeout(Duration.ofSeconds(30))
                .workingDirectory(taskRoot)
                .runtimeCommand(Runtimes.script(taskRoot, "bootstrap", STREAMING).toString())
                .logSink(log)
                .build());
    }

    private static DirectInvocation invocation(String id, String event, StreamReceiver stream) {
        return new DirectInvocation(id, ("\"" + event + "\"").getBytes(StandardCharsets.UTF_8), null, null,
                "arn:aws:lambda:us-east-1:000000000000:function:stream-fn", false, true, stream);
    }

    private void release(int chunk) throws Exception {
        Files.createFile(taskRoot.resolve("gate").resolve(Integer.toString(chunk)));
    }

    @Test
    void eachChunkReachesTheReceiverBeforeTheRuntimeWritesTheNext() throws Exception {
        Receiver receiver = new Receiver();
        try (Shim shim = start()) {
            CompletableFuture<DirectReply> reply = shim.invoke(invocation("s-1", "one two three", receiver));

            assertThat(receiver.next()).isEqualTo("one");
            assertThat(receiver.contentTypes).containsExactly("text/plain");
            release(1);
            assertThat(receiver.next()).isEqualTo("two");
            release(2);
            assertThat(receiver.next()).isEqualTo("three");

            DirectReply answer = reply.get(30, TimeUnit.SECONDS);
            assertThat(answer.functionError()).isNull();
            assertThat(answer.body()).as("the chunks went to the receiver only").isEmpty();
            assertThat(receiver.chunks).isEmpty();
        }
    }

    @Test
    void anErrorInTheTrailersEndsTheStreamAsAFunctionError() throws Exception {
        Receiver receiver = new Receiver();
        try (Shim shim = start()) {
            DirectReply answer = shim.invoke(invocation("s-2", "fail-after-this", receiver)).get(30, TimeUnit.SECONDS);

            assertThat(receiver.next()).isEqualTo("fail-after-this");
            assertThat(answer.functionError()).isEqualTo("Unhandled");
            assertThat(answer.errorType()).isEqualTo("StreamFailure");
            JsonNode error = JsonDocs.parse(new String(answer.body(), StandardCharsets.UTF_8));
            assertThat(error.at("/errorMessage").asText()).isEqualTo("broke");
        }
    }

    @Test
    void withoutAReceiverTheStreamIsCollectedAndABufferedAnswerNeverStartsOne() throws Exception {
        Receiver receiver = new Receiver();
        try (Shim shim = start()) {
            release(1);
            DirectReply collected = shim.invoke(invocation("s-3", "first second", null)).get(30, TimeUnit.SECONDS);
            DirectReply buffered = shim.invoke(invocation("s-4", "buffered", receiver)).get(30, TimeUnit.SECONDS);

            assertThat(new String(collected.body(), StandardCharsets.UTF_8)).isEqualTo("firstsecond");
            assertThat(new String(buffered.body(), StandardCharsets.UTF_8)).isEqualTo("{\"buffered\":true}");
            assertThat(receiver.contentTypes).isEmpty();
            assertThat(receiver.chunks).isEmpty();
        }
    }

    /** Records what it is given; always writable. */
    private static final class Receiver implements StreamReceiver {
        final List<String> contentTypes = new CopyOnWriteArrayList<>();
        final BlockingQueue<String> chunks = new LinkedBlockingQueue<>();

        @Override
        public void start(String contentType) {
            contentTypes.add(contentType);
        }

        @Override
        public void chunk(byte[] bytes) {
            chunks.add(new String(bytes, StandardCharsets.UTF_8));
        }

        @Override
        public boolean writable() {
            return true;
        }

        @Override
        public void whenWritable(Runnable action) {
            action.run();
        }

        String next() throws InterruptedException {
            String chunk = chunks.poll(30, TimeUnit.SECONDS);
            assertThat(chunk).as("a chunk within 30 s").isNotNull();
            return chunk;
        }
    }
}
