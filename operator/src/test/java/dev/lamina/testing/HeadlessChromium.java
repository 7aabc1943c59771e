package dev.lamina.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real browser for CORS tests: Debian's headless Chromium fetching a URL from a page on another loopback origin, as
 * a web application's script would, and reporting what the script saw — the status, body and the response headers
 * the browser lets it read, or the error the browser raised when it refused the answer.
 * <p>
 * Each {@link #newPageOrigin()} is a small page server on its own loopback port, so a distinct origin. Each
 * {@link #fetchFrom} runs one Chromium process with a fresh profile on a page of that origin; the page posts its
 * outcome back to its own server, and the process is destroyed as soon as it has, or when the time is up.
 */
public final class HeadlessChromium implements AutoCloseable {

    /** Where Debian's {@code chromium} package installs the browser. */
    public static final Path DEBIAN_CHROMIUM = Path.of("/usr/bin/chromium");

    private static final Duration FETCH_WITHIN = Duration.ofSeconds(45);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path executable;
    private final Path workDirectory;
    private final List<HttpServer> pageServers = new ArrayList<>();
    private final Set<URI> pageOrigins = ConcurrentHashMap.newKeySet();
    private final Map<String, Page> pages = new ConcurrentHashMap<>();

    private record Page(String script, CompletableFuture<String> outcome) {
    }

    private HeadlessChromium(Path executable, Path workDirectory) {
        this.executable = executable;
        this.workDirectory = workDirectory;
    }

    /** The Chromium executable: Debian's, else {@code chromium} or {@code chromium-browser} on the PATH. */
    public static Optional<Path> executable() {
        if (Files.isExecutable(DEBIAN_CHROMIUM)) {
            return Optional.of(DEBIAN_CHROMIUM);
        }
        String path = System.getenv("PATH");
        return path == null ? Optional.empty()
                : Arrays.stream(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                        .flatMap(dir -> Stream.of(Path.of(dir, "chromium"), Path.of(dir, "chromium-browser")))
                        .filter(Files::isExecutable).findFirst();
    }

    /** A browser for the calling test, which is skipped (not passed) when Chromium is not installed. */
    public static HeadlessChromium startOrSkip() throws IOException {
        Path found = executable().orElse(null);
        Assumptions.assumeTrue(found != null, "Chromium is not installed, so the browser tests are skipped: install "
                + "Debian's package with 'apt-get install -y chromium' (.ci/run does when it runs as root)");
        return start(found);
    }

    public static HeadlessChromium start(Path executable) throws IOException {
        return new HeadlessChromium(executable, Files.createTempDirectory("lamina-chromium"));
    }

    /** A new loopback origin ({@code http://127.0.0.1:<port>}) serving the fixture's pages. */
    public synchronized URI newPageOrigin() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/page/", exchange -> answerPage(exchange));
        server.createContext("/report/", exchange -> takeReport(exchange));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        pageServers.add(server);
        URI origin = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        pageOrigins.add(origin);
        return origin;
    }

    /**
     * Loads a page of {@code pageOrigin} (one of {@link #newPageOrigin()}) whose script calls {@code fetch(target)}
     * as {@code options} say, and answers what the script saw.
     */
    public FetchOutcome fetchFrom(URI pageOrigin, URI target, FetchOptions options)
            throws IOException, InterruptedException {
        if (!pageOrigins.contains(pageOrigin)) {
            throw new IllegalArgumentException(pageOrigin + " is not one of this browser's page origins");
        }
        String token = UUID.randomUUID().toString();
        Page page = new Page(script(target, options, token), new CompletableFuture<>());
        pages.put(token, page);
        Path profile = Files.createTempDirectory(workDirectory, "profile");
        Path log = workDirectory.resolve("chromium-" + token + ".log");
        Process process = new ProcessBuilder(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                pageOrigin.resolve("/page/" + token).toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            return FetchOutcome.parse(JSON.readTree(page.outcome().get(FETCH_WITHIN.toMillis(), TimeUnit.MILLISECONDS)));
        } catch (TimeoutException e) {
            throw new IllegalStateException("the page of " + pageOrigin + " reported no outcome of fetching " + target
                    + " within " + FETCH_WITHIN + (process.isAlive() ? "" : "; Chromium ended with " + process.exitValue())
                    + "; its output ends with:\n" + tail(log));
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pages.remove(token);
            destroy(process);
            deleteRecursively(profile);
        }
    }

    private static String script(URI target, FetchOptions options, String token) throws IOException {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("target", target.toString());
        spec.put("method", options.method());
        spec.put("headers", options.headers());
        spec.put("body", options.body());
        spec.put("credentials", options.includeCredentials() ? "include" : "same-origin");
        spec.put("cookie", options.cookie());
        spec.put("report", "/report/" + token);
        // Escaped so that no "</script>" can close the element early.
        String json = JSON.writeValueAsString(spec).replace("<", "\\u003c");
        return """
                const spec = %s;
                (async () => {
                  let outcome;
                  try {
                    if (spec.cookie !== null) document.cookie = spec.cookie + '; path=/';
                    const init = {method: spec.method, headers: spec.headers, credentials: spec.credentials,
                                  cache: 'no-store'};
                    if (spec.body !== null) init.body = spec.body;
                    const response = await fetch(spec.target, init);
                    const headers = {};
                    for (const [name, value] of response.headers) headers[name] = value;
                    outcome = {status: response.status, headers, body: await response.text()};
                  } catch (error) {
                    outcome = {error: String(error)};
                  }
                  await fetch(spec.report, {method: 'POST', body: JSON.stringify(outcome)});
                })();
                """.formatted(json);
    }

    private void answerPage(HttpExchange exchange) throws IOException {
        Page page = pages.get(tokenOf(exchange));
        if (page == null) {
            respond(exchange, 404, "");
            return;
        }
        respond(exchange, 200, "<!doctype html><meta charset=\"utf-8\"><title>fetch</title><script>"
                + page.script() + "</script>");
    }

    private void takeReport(HttpExchange exchange) throws IOException {
        String report = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Page page = pages.get(tokenOf(exchange));
        if (page != null) {
            page.outcome().complete(report);
        }
        respond(exchange, 204, null);
    }

    private static String tokenOf(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static void respond(HttpExchange exchange, int status, String html) throws IOException {
        try (exchange) {
            if (html == null) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            byte[] body = html.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static String tail(Path log) {
        try {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            return output.substring(Math.max(0, output.length() - 4_000));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static void destroy(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // A profile left behind in the temporary directory harms nothing.
        }
    }

    @Override
    public synchronized void close() {
        pageServers.forEach(server -> server.stop(0));
        pageServers.clear();
        deleteRecursively(workDirectory);
    }

    /**
     * How the page calls {@code fetch}: method, request headers, body (null for none), whether with
     * {@code credentials: 'include'} (else the default, {@code 'same-origin'}), and a cookie
     * ({@code name=value}) the page sets on its own host first, which a credentialed fetch to that host sends along.
     */
    public record FetchOptions(String method, Map<String, String> headers, String body, boolean includeCredentials,
            String cookie) {

        public FetchOptions {
            headers = Map.copyOf(headers);
        }

        /** A plain {@code GET}, without credentials. */
        public static FetchOptions get() {
            return new FetchOptions("GET", Map.of(), null, false, null);
        }

        public FetchOptions method(String method) {
            return new FetchOptions(method, headers, body, includeCredentials, cookie);
        }

        public FetchOptions header(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new FetchOptions(method, more, body, includeCredentials, cookie);
        }

        public FetchOptions body(String body) {
            return new FetchOptions(method, headers, body, includeCredentials, cookie);
        }

        public FetchOptions withCredentials() {
            return new FetchOptions(method, headers, body, true, cookie);
        }

        public FetchOptions cookie(String nameValue) {
            return new FetchOptions(method, headers, body, includeCredentials, nameValue);
        }
    }

    /** What the page's script saw. */
    public sealed interface FetchOutcome {

        /**
         * The browser let the script read the answer: its status, the headers it may read (lower-cased names:
         * the CORS-safelisted ones and those exposed), and its body.
         */
        record Answered(int status, Map<String, String> headers, String body) implements FetchOutcome {
        }

        /** The browser refused the answer (or the request): the error {@code fetch} rejected with. */
        record Refused(String error) implements FetchOutcome {
        }

        private static FetchOutcome parse(JsonNode report) {
            if (report.has("error")) {
                return new Refused(report.get("error").asText());
            }
            Map<String, String> headers = new LinkedHashMap<>();
            report.get("headers").properties().forEach(entry -> headers.put(entry.getKey(), entry.getValue().asText()));
            return new Answered(report.get("status").asInt(), Map.copyOf(headers), report.get("body").asText());
        }
    }
}
