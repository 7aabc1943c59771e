package dev.lamina.urls;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamPreludeTest {

    private static final byte[] PRELUDE = """
            {"statusCode": 201, "headers": {"Content-Type": "text/csv", "X-Custom": "1"}, "cookies": ["a=1"]}"""
            .getBytes(StandardCharsets.UTF_8);
    /** A body that itself starts with NULs and holds a run of eight: only the first eight NULs end the prelude. */
    private static final byte[] BODY = concat(new byte[] {0, 0, 'a', ',', 'b', '\n'}, new byte[8],
            "1,2\n".getBytes(StandardCharsets.UTF_8));
    private static final byte[] STREAM = concat(PRELUDE, new byte[8], BODY);

    /** What the door would do with the pieces: the head once, then the body bytes in order. */
    private record Read(List<HttpAnswer> heads, byte[] body, List<String> invalid) {
    }

    private static Read read(List<byte[]> chunks) {
        StreamPrelude prelude = new StreamPrelude();
        List<HttpAnswer> heads = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            switch (prelude.feed(Buffer.buffer(chunk))) {
                case StreamPrelude.Fed.Waiting waiting -> assertThat(heads).isEmpty();
                case StreamPrelude.Fed.Head head -> {
                    heads.add(head.prelude());
                    body.writeBytes(head.body().getBytes());
                }
                case StreamPrelude.Fed.Body more -> {
                    assertThat(heads).hasSize(1);
                    body.writeBytes(more.body().getBytes());
                }
                case StreamPrelude.Fed.Invalid refused -> invalid.add(refused.reason());
            }
        }
        prelude.finish().ifPresent(invalid::add);
        return new Read(heads, body.toByteArray(), invalid);
    }

    private static void assertWhole(Read read, String split) {
        assertThat(read.invalid()).as(split).isEmpty();
        assertThat(read.heads()).as(split).hasSize(1);
        HttpAnswer head = read.heads().getFirst();
        assertThat(head.status()).as(split).isEqualTo(201);
        assertThat(head.headers()).as(split).containsExactly(new HttpHeader("Content-Type", "text/csv"),
                new HttpHeader("X-Custom", "1"));
        assertThat(head.cookies()).as(split).containsExactly("a=1");
        assertThat(read.body()).as(split).isEqualTo(BODY);
    }

    @Test
    void theStreamSplitAtAnyOneByteGivesThePreludeOnceAndTheWholeBody() {
        for (int i = 0; i <= STREAM.length; i++) {
            assertWhole(read(List.of(Arrays.copyOfRange(STREAM, 0, i), Arrays.copyOfRange(STREAM, i, STREAM.length))),
                    "split at " + i);
        }
    }

    @Test
    void theStreamSplitAtAnyTwoBytesGivesThePreludeOnceAndTheWholeBody() {
        for (int i = 0; i <= STREAM.length; i++) {
            for (int j = i; j <= STREAM.length; j++) {
                assertWhole(read(List.of(Arrays.copyOfRange(STREAM, 0, i), Arrays.copyOfRange(STREAM, i, j),
                        Arrays.copyOfRange(STREAM, j, STREAM.length))), "split at " + i + " and " + j);
            }
        }
    }

    @Test
    void theStreamByteByByteGivesThePreludeOnceAndTheWholeBody() {
        List<byte[]> bytes = new ArrayList<>();
        for (byte b : STREAM) {
            bytes.add(new byte[] {b});
        }
        assertWhole(read(bytes), "byte by byte");
    }

    @Test
    void bodyChunksArePassedOnAsTheyCame() {
        StreamPrelude prelude = new StreamPrelude();
        assertThat(prelude.feed(concat(PRELUDE, new byte[8]))).isInstanceOf(StreamPrelude.Fed.Head.class);
        Buffer chunk = Buffer.buffer("next");

        assertThat(prelude.feed(chunk)).isEqualTo(new StreamPrelude.Fed.Body(chunk));
        assertThat(((StreamPrelude.Fed.Body) prelude.feed(chunk)).body()).isSameAs(chunk);
    }

    @Test
    void aStreamThatEndsBeforeTheDelimiterIsInvalid() {
        Read read = read(List.of(PRELUDE, new byte[7]));

        assertThat(read.heads()).isEmpty();
        assertThat(read.invalid()).containsExactly("the stream ended before the prelude's delimiter");
        assertThat(read(List.of()).invalid()).hasSize(1);
    }

    @Test
    void aPreludeThatIsNotAnHttpStatusIsInvalid() {
        for (String prelude : List.of("not json", "[1]", "{\"statusCode\": 1000}", "{\"statusCode\": \"x\"}",
                "{\"headers\": []}", "{\"a\":1}\0\0\0\0\0\0\0{}")) {
            Read read = read(List.of(concat(prelude.getBytes(StandardCharsets.UTF_8), new byte[8], BODY)));
            assertThat(read.heads()).as(prelude).isEmpty();
            assertThat(read.invalid()).as(prelude).isNotEmpty();
            assertThat(read.body()).as(prelude).isEmpty();
        }
    }

    @Test
    void anEndlessPreludeIsRefusedOnceTooLong() {
        StreamPrelude prelude = new StreamPrelude();
        byte[] spaces = new byte[4096];
        Arrays.fill(spaces, (byte) ' ');
        StreamPrelude.Fed fed = new StreamPrelude.Fed.Waiting();
        int fedBytes = 0;
        while (fed instanceof StreamPrelude.Fed.Waiting) {
            fed = prelude.feed(spaces);
            fedBytes += spaces.length;
        }
        assertThat(fed).isInstanceOf(StreamPrelude.Fed.Invalid.class);
        assertThat(fedBytes).isGreaterThan(StreamPrelude.MAX_PRELUDE_BYTES)
                .isLessThanOrEqualTo(StreamPrelude.MAX_PRELUDE_BYTES + spaces.length);
        assertThat(prelude.feed(concat(new byte[8], BODY))).isInstanceOf(StreamPrelude.Fed.Invalid.class);
    }

    @Test
    void anEmptyPreludeOrOneWithoutStatusIsA200() {
        for (String empty : List.of("", "{}", " {\"headers\": {\"a\": \"b\"}} ")) {
            Read read = read(List.of(concat(empty.getBytes(StandardCharsets.UTF_8), new byte[8], BODY)));
            assertThat(read.invalid()).as(empty).isEmpty();
            assertThat(read.heads().getFirst().status()).as(empty).isEqualTo(200);
            assertThat(read.body()).as(empty).isEqualTo(BODY);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
