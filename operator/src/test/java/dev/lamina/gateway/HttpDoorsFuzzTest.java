package dev.lamina.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.urls.FunctionUrls;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Malformed HTTP/1.1 requests at the Invoke API and the control plane, from a seeded generator: bad request lines and
 * headers, Content-Length with chunked, bad chunk sizes, bodies cut short, huge headers, odd methods, %-encoded paths.
 * Each must be answered with a status below 500 or its connection closed, within the read timeout (well past the
 * profile's 1 s deadlines), and the server must serve good requests among them and after them. The seed is fixed (the same
 * cases every run) and printed; {@code -Dlamina.fuzz.seed=N} runs others.
 */
@QuarkusTest
@TestProfile(HttpDoorsProfile.class)
class HttpDoorsFuzzTest {

    private static final int CASES = 2_000;
    /** Cases in flight at once: under the profile's limit of half-open connections, so none is refused for it. */
    private static final int PARALLEL = 16;
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    /** One generated request: its bytes, whether the client then stops sending, and what it is, for a report. */
    private record Case(String description, byte[] bytes, boolean endOutput) {
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void malformedRequestsAreAnsweredBelow500OrClosed() throws Exception {
        long seed = Long.getLong("lamina.fuzz.seed", 12L);
        System.out.println("HttpDoorsFuzzTest seed: " + seed);
        Random random = new Random(seed);
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        Map<String, Integer> outcomes = new ConcurrentSkipListMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, Thread.ofVirtual().factory())) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < CASES; i++) {
                Case c = new Generator(new Random(random.nextLong())).next();
                all.add(pool.submit(() -> {
                    Outcome outcome = attempt(c);
                    outcomes.merge(outcome.summary(), 1, Integer::sum);
                    if (outcome.problem() != null) {
                        failures.add(outcome.problem() + ": " + c.description());
                    }
                }));
                if (i % 100 == 99) {
                    // Among the malformed ones, a good request now and then: the server keeps serving.
                    all.add(pool.submit(() -> {
                        HttpDoorsTest.assertGoodRequestServed();
                        return null;
                    }));
                }
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        HttpDoorsTest.assertGoodRequestServed();
        System.out.println("HttpDoorsFuzzTest outcomes: " + outcomes);
        assertThat(failures).as("cases answered 5xx or left hanging (seed %d)", seed).isEmpty();
    }

    /** What became of a case: a status or "closed", and what went wrong (null when nothing did). */
    private record Outcome(String summary, String problem) {
    }

    private static Outcome attempt(Case c) {
        try (RawHttp connection = RawHttp.connect(PATIENCE)) {
            connection.send(c.bytes());
            if (c.endOutput()) {
                connection.endOutput();
            }
            RawHttp.Answer answer = connection.answer();
            if (answer == null) {
                return new Outcome("closed", null);
            }
            String status = Integer.toString(answer.status());
            return new Outcome(status, answer.status() < 500 ? null : "answered " + status + " " + answer.body());
        } catch (SocketTimeoutException e) {
            return new Outcome("hung", "neither answered nor closed in " + PATIENCE.toSeconds() + " s");
        } catch (IOException | RuntimeException e) {
            return new Outcome("unreadable", "unreadable answer (" + e + ")");
        }
    }

    /** Malformed and odd requests, one kind at a time. */
    private static final class Generator {
        private static final String[] NAMES = {"hello-bash", "missing", "arn:aws:lambda:us-east-1:000000000000:function:hello-bash",
            "%ZZ", "%00", "hello%2Fbash", "%E0%A4", "%", "hello-bash%20", "..%2F..%2Fetc", "a".repeat(200),
            "hello-bash:1", "hello-bash:%FF"};
        private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE",
            "PROPFIND", "FOO", "get", "G\u00c9T", "CONNECT", "POST POST", ""};
        private static final String[] CHUNK_SIZES = {"zz", "-1", "ffffffffffffffffffff", "", " 2", "2;ext=\"", "0x2",
            "2 2", "\u00ff"};

        /**
         * Every request's first headers: a Host, and DryRun so that an invocation that passes is checked, not run
         * (running functions would only cost time here).
         */
        private static final String HEADERS = "Host: localhost\r\nX-Amz-Invocation-Type: DryRun\r\n";

        private final Random random;

        Generator(Random random) {
            this.random = random;
        }

        Case next() {
            List<Supplier<Case>> kinds = List.of(this::badRequestLine, this::badHeader, this::contentLengthAndChunked,
                    this::badChunkSize, this::truncatedBody, this::hugeHeaders, this::oddMethod, this::encodedPath,
                    this::oddInvokeHeaders);
            return kinds.get(random.nextInt(kinds.size())).get();
        }

        private String path() {
            String name = pick(NAMES);
            return switch (random.nextInt(8)) {
                case 0 -> "/2015-03-31/functions/" + name;
                case 6 -> FUNCTION_URL + pick(new String[] {"", "a%20b", "%zz", "..", "x?y=%", "?a=1&a=2&=&&"});
                case 7 -> "/2021-10-31/functions/" + name + "/url" + (random.nextBoolean() ? "" : "?Qualifier=%");
                case 1 -> "/2015-03-31/functions/" + name + "/configuration?Qualifier=" + pick(NAMES);
                case 2 -> "/2015-03-31/functions/" + name + "/aliases/%zz";
                case 3 -> "/2015-03-31/functions?MaxItems=" + pick(new String[] {"-1", "x", "99999999999", "%", "1"});
                default -> "/2015-03-31/functions/" + name + "/invocations"
                        + (random.nextBoolean() ? "" : "?Qualifier=" + pick(NAMES));
            };
        }

        private Case badRequestLine() {
            String line = switch (random.nextInt(8)) {
                case 0 -> new String(randomBytes(1 + random.nextInt(64)), StandardCharsets.ISO_8859_1);
                case 1 -> "POST " + path();
                case 2 -> "POST  HTTP/1.1";
                case 3 -> "POST " + path() + " HTTP/9.9";
                case 4 -> "POST " + path() + " HTTP/1.1 extra";
                case 5 -> "POST\t" + path() + "\tHTTP/1.1";
                case 6 -> "POST " + path().replace("/", "\u0001") + " HTTP/1.1";
                default -> "";
            };
            return request("bad request line", line + "\r\n" + HEADERS + "Content-Length: 2\r\n\r\n{}", false);
        }

        private Case badHeader() {
            String header = switch (random.nextInt(10)) {
                case 0 -> "NoColon";
                case 1 -> "Bad Name: x";
                case 2 -> "Name : x";
                case 3 -> "X-Ctl: a\u0000b";
                case 4 -> " folded: continuation";
                case 5 -> "Content-Length: -5";
                case 6 -> "Content-Length: abc";
                case 7 -> "Content-Length: 99999999999999999999";
                case 8 -> "Content-Length: 2\r\nContent-Length: 3";
                default -> ":empty-name";
            };
            return request("bad header " + header, "POST " + path() + " HTTP/1.1\r\n" + HEADERS + header
                    + "\r\n\r\n{}", random.nextBoolean());
        }

        private Case contentLengthAndChunked() {
            String body = random.nextBoolean() ? "2\r\n{}\r\n0\r\n\r\n" : "{\"a\":1}";
            String te = pick(new String[] {"chunked", "Chunked", "gzip, chunked", " chunked"});
            return request("Content-Length with Transfer-Encoding " + te, "POST " + path()
                    + " HTTP/1.1\r\n" + HEADERS + "Content-Length: " + random.nextInt(20)
                    + "\r\nTransfer-Encoding: " + te + "\r\n\r\n" + body, random.nextInt(4) != 0);
        }

        private Case badChunkSize() {
            String size = pick(CHUNK_SIZES);
            return request("chunk size " + size, "POST " + path()
                    + " HTTP/1.1\r\n" + HEADERS + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\n{}\r\n0\r\n\r\n",
                    random.nextInt(4) != 0);
        }

        private Case truncatedBody() {
            int declared = 10 + random.nextInt(1000);
            int sent = random.nextInt(declared);
            boolean chunked = random.nextBoolean();
            String head = "POST " + path() + " HTTP/1.1\r\n" + HEADERS
                    + (chunked ? "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(declared) + "\r\n"
                    : "Content-Length: " + declared + "\r\n\r\n");
            // Mostly the client gives up and closes its side; sometimes it just stops and waits for the deadline.
            return request("body of " + sent + " bytes of " + declared + (chunked ? " chunked" : ""),
                    head + "x".repeat(sent), random.nextInt(8) != 0);
        }

        private Case hugeHeaders() {
            int size = 10_000 + random.nextInt(60_000);
            String headers = random.nextBoolean() ? "X-Big: " + "a".repeat(size) + "\r\n"
                    : ("X-Many: " + "b".repeat(90) + "\r\n").repeat(size / 100);
            return request("headers of about " + size + " bytes", "GET " + path() + " HTTP/1.1\r\n" + HEADERS
                    + headers + "\r\n", false);
        }

        private Case oddMethod() {
            String method = pick(METHODS);
            return request("method " + method, method + " " + (random.nextInt(5) == 0 ? "*" : path())
                    + " HTTP/1.1\r\n" + HEADERS + "Content-Length: 2\r\n\r\n{}", false);
        }

        /** hello-bash's Function URL, path-based. */
        private static final String FUNCTION_URL =
                FunctionUrls.pathBased("", FunctionUrls.id("default", "hello-bash", null));

        private Case encodedPath() {
            String path = "/2015-03-31/functions/" + pick(NAMES) + "/" + pick(new String[] {"invocations",
                "%69nvocations", "invocations%00", "invocations/..", "../functions", "%2e%2e", "versions%zz"});
            return request("path " + path, (random.nextBoolean() ? "POST " : "GET ") + path
                    + " HTTP/1.1\r\n" + HEADERS + "Content-Length: 2\r\n\r\n{}", false);
        }

        private Case oddInvokeHeaders() {
            String header = switch (random.nextInt(6)) {
                case 0 -> "X-Amz-Invocation-Type: " + pick(new String[] {"Event", "DryRun", "RequestResponse", "", "x"});
                case 1 -> "X-Amz-Client-Context: " + pick(new String[] {"!!!", "e30=", "bm90IGpzb24=", "%%"});
                case 2 -> "X-Amz-Log-Type: " + pick(new String[] {"Tail", "None", "\u00ff"});
                case 3 -> "X-Amzn-Trace-Id: " + pick(new String[] {"Root=", ";;;", "Root=1-2-3;Parent=x;Sampled=9"});
                case 4 -> "Expect: 100-continue";
                default -> "Content-Type: " + pick(new String[] {"application/json", "text/plain;charset=zz", ""});
            };
            byte[] body = randomBytes(random.nextInt(64));
            String head = "POST /2015-03-31/functions/" + pick(new String[] {"missing", "hello-bash"})
                    + "/invocations?Qualifier=" + pick(new String[] {"1", "$LATEST", "missing", "%24LATEST"})
                    + " HTTP/1.1\r\n" + HEADERS + header
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n";
            byte[] bytes = new byte[head.length() + body.length];
            System.arraycopy(head.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, 0, head.length());
            System.arraycopy(body, 0, bytes, head.length(), body.length);
            return new Case("invoke with " + header, bytes, false);
        }

        private Case request(String description, String text, boolean endOutput) {
            return new Case(description, text.getBytes(StandardCharsets.ISO_8859_1), endOutput);
        }

        private byte[] randomBytes(int n) {
            byte[] bytes = new byte[n];
            random.nextBytes(bytes);
            return bytes;
        }

        private String pick(String[] options) {
            return options[random.nextInt(options.length)];
        }
    }
}
