package dev.lamina.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connection guards of the gateway's HTTP server, on raw sockets: slow or malformed requests are answered or the
 * connection closed, within the deadlines configured short for the test (1 s for headers and for a body), and the
 * server keeps serving.
 */
@QuarkusTest
@TestProfile(HttpDoorsProfile.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpDoorsTest {

    /** Well past the deadlines of the profile: a read that waits this long means the server hung. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final String INVOKE = "/2015-03-31/functions/hello-bash/invocations";

    @Test
    void headersThatNeverFinishAreCutOffEvenWhenTrickled() throws Exception {
        try (RawHttp connection = RawHttp.connect(PATIENCE)) {
            connection.send("POST " + INVOKE + " HTTP/1.1\r\nHost: localhost\r\n");
            Thread trickle = trickle(connection, "x", 100);
            RawHttp.Answer answer = connection.answer();
            trickle.interrupt();
            assertThat(answer.status()).isEqualTo(408);
            assertThat(answer.headers()).containsEntry("connection", "close");
            assertThat(connection.closedByServer()).isTrue();
        }
        assertGoodRequestServed();
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws Exception {
        try (RawHttp connection = RawHttp.connect(PATIENCE)) {
            assertThat(connection.answer().status()).isEqualTo(408);
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void aKeptAliveConnectionMayIdleBetweenRequests() throws Exception {
        try (RawHttp connection = RawHttp.connect(PATIENCE)) {
            connection.send("GET /2015-03-31/functions HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(connection.answer().status()).isEqualTo(200);
            Thread.sleep(1_500); // longer than the header deadline: idling between requests is not sending headers
            connection.send("GET /2015-03-31/functions HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(connection.answer().status()).isEqualTo(200);
        }
    }

    @Test
    void aBodyThatNeverFinishesIsCutOffEvenWhenTrickled() throws Exception {
        try (RawHttp connection = RawHttp.connect(PATIENCE)) {
            connection.send("POST " + INVOKE + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{\"a\":");
            Thread trickle = trickle(connection, " ", 90);
            RawHttp.Answer answer = connection.answer();
            trickle.interrupt();
            assertThat(answer.status()).isEqualTo(408);
            assertThat(connection.closedByServer()).isTrue();
        }
        assertGoodRequestServed();
    }

    @Test
    void contentLengthWithChunkedIsRefused() throws Exception {
        // A body that is valid chunked encoding, and one that is only valid by its Content-Length.
        for (String body : List.of("2\r\n{}\r\n0\r\n\r\n", "hello")) {
            try (RawHttp connection = RawHttp.connect(PATIENCE)) {
                connection.send("POST " + INVOKE + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length()
                        + "\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
                RawHttp.Answer answer = connection.answer();
                assertThat(answer.status()).isEqualTo(400);
                assertThat(answer.body()).contains("Content-Length and Transfer-Encoding");
                assertThat(connection.closedByServer()).isTrue();
            }
        }
        assertGoodRequestServed();
    }

    @Test
    void anInvalidChunkSizeIsRefused() throws Exception {
        try (RawHttp connection = RawHttp.connect(PATIENCE)) {
            connection.send("POST " + INVOKE + " HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "zz\r\n{}\r\n0\r\n\r\n");
            assertThat(connection.answer().status()).isEqualTo(400);
            assertThat(connection.closedByServer()).isTrue();
        }
        assertGoodRequestServed();
    }

    @Test
    void anHttp11RequestWithoutOneValidHostIsRefused() throws Exception {
        for (String hosts : List.of("", "Host: a\r\nHost: b\r\n", "Host: a b\r\n")) {
            try (RawHttp connection = RawHttp.connect(PATIENCE)) {
                connection.send("GET /2015-03-31/functions HTTP/1.1\r\n" + hosts + "\r\n");
                assertThat(connection.answer().status()).isEqualTo(400);
                assertThat(connection.closedByServer()).isTrue();
            }
        }
    }

    @Test
    void oversizedHeadersAndRequestLinesAreRefused() throws Exception {
        try (RawHttp connection = RawHttp.connect(PATIENCE)) {
            connection.send("GET /2015-03-31/functions HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(30_000)
                    + "\r\n\r\n");
            assertThat(connection.answer().status()).isEqualTo(431);
            assertThat(connection.closedByServer()).isTrue();
        }
        try (RawHttp connection = RawHttp.connect(PATIENCE)) {
            connection.send("GET /2015-03-31/functions/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(connection.answer().status()).isEqualTo(414);
            assertThat(connection.closedByServer()).isTrue();
        }
        assertGoodRequestServed();
    }

    @Test
    void oversizedPayloadsGetLambdasAnswer() throws Exception {
        String payload = "\"" + "a".repeat(6 * 1024 * 1024) + "\"";
        try (RawHttp connection = RawHttp.connect(PATIENCE)) {
            connection.send("POST " + INVOKE + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + payload.length()
                    + "\r\n\r\n" + payload);
            RawHttp.Answer answer = connection.answer();
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.headers()).containsEntry("x-amzn-errortype", "RequestTooLargeException");
        }
        try (RawHttp connection = RawHttp.connect(PATIENCE)) {
            connection.send("POST " + INVOKE + " HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(payload.length()) + "\r\n" + payload + "\r\n0\r\n\r\n");
            RawHttp.Answer answer = connection.answer();
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.headers()).containsEntry("x-amzn-errortype", "RequestTooLargeException");
        }
    }

    @Test
    void halfOpenConnectionsAreLimited() throws Exception {
        List<RawHttp> connections = new ArrayList<>();
        try {
            for (int i = 0; i < HttpDoorsProfile.MAX_HALF_OPEN + 8; i++) {
                connections.add(RawHttp.connect(PATIENCE));
            }
            int refused = 0;
            int timedOut = 0;
            for (RawHttp connection : connections) {
                RawHttp.Answer answer = connection.answer();
                if (answer == null) {
                    refused++;
                } else {
                    assertThat(answer.status()).isEqualTo(408);
                    timedOut++;
                }
            }
            // Those over the limit are closed at once, without an answer; the others wait for their deadline.
            assertThat(refused).isPositive();
            assertThat(timedOut).isPositive();
        } finally {
            for (RawHttp connection : connections) {
                connection.close();
            }
        }
        assertGoodRequestServed();
    }

    static void assertGoodRequestServed() throws IOException {
        try (RawHttp connection = RawHttp.connect(PATIENCE)) {
            connection.send("GET /2015-03-31/functions HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            RawHttp.Answer answer = connection.answer();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body()).contains("hello-bash");
        }
    }

    /** Sends {@code text} every 200 ms, at most {@code times} times: never idle, never done. */
    private static Thread trickle(RawHttp connection, String text, int times) {
        return Thread.ofVirtual().start(() -> {
            for (int i = 0; i < times && connection.send(text); i++) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }
}
