package dev.lamina.urls;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lamina.api.FunctionSpec;
import dev.lamina.testing.HeadlessChromium;
import dev.lamina.testing.HeadlessChromium.FetchOptions;
import dev.lamina.testing.HeadlessChromium.FetchOutcome;
import dev.lamina.urls.CorsRules.Header;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link CorsRules} judged by a real browser: a page on one loopback origin fetches from a server on another that
 * answers preflights with {@link CorsRules#preflight} and adds {@link CorsRules#forAnswer} to what its stand-in
 * function answers, as the Function URL door does.
 */
@Timeout(120)
class CorsBrowserTest {

    static HeadlessChromium browser;
    static URI allowedPage;
    static URI otherPage;

    private CorsServer server;

    @BeforeAll
    static void startBrowser() throws IOException {
        browser = HeadlessChromium.startOrSkip();
        allowedPage = browser.newPageOrigin();
        otherPage = browser.newPageOrigin();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private CorsServer serve(Boolean allowCredentials, List<String> allowMethods) throws IOException {
        server = new CorsServer(CorsRules.of(new FunctionSpec.Cors(allowCredentials, List.of("X-Custom-Header"),
                allowMethods, List.of(allowedPage.toString()), List.of("X-Request-Id"), null)));
        return server;
    }

    @Test
    void anAllowedOriginReadsTheAnswerAndItsExposedHeaderButNoOther() throws Exception {
        serve(null, List.of("GET"));
        FetchOutcome outcome = browser.fetchFrom(allowedPage, server.uri(), FetchOptions.get());
        assertThat(outcome).isInstanceOfSatisfying(FetchOutcome.Answered.class, answered -> {
            assertThat(answered.status()).isEqualTo(200);
            assertThat(answered.body()).isEqualTo("from the function");
            assertThat(answered.headers()).containsEntry("x-request-id", "r-1").doesNotContainKey("x-internal");
        });
    }

    @Test
    void anotherOriginIsRefusedByTheBrowser() throws Exception {
        serve(null, List.of("GET"));
        FetchOutcome outcome = browser.fetchFrom(otherPage, server.uri(), FetchOptions.get());
        assertThat(outcome).isInstanceOfSatisfying(FetchOutcome.Refused.class,
                refused -> assertThat(refused.error()).startsWith("TypeError"));
        assertThat(server.functionCalls()).containsExactly("GET"); // a simple request: the function did answer
    }

    @Test
    void withCredentialsWhenAllowedTheCookieGoesAlongAndTheAnswerIsRead() throws Exception {
        serve(true, List.of("GET"));
        FetchOutcome outcome = browser.fetchFrom(allowedPage, server.uri(),
                FetchOptions.get().cookie("session=ada").withCredentials());
        assertThat(outcome).isInstanceOfSatisfying(FetchOutcome.Answered.class,
                answered -> assertThat(answered.status()).isEqualTo(200));
        assertThat(server.cookies()).containsExactly("session=ada");
    }

    @Test
    void withCredentialsWhenNotAllowedTheBrowserRefuses() throws Exception {
        serve(false, List.of("GET"));
        FetchOutcome outcome = browser.fetchFrom(allowedPage, server.uri(),
                FetchOptions.get().cookie("session=ada").withCredentials());
        assertThat(outcome).isInstanceOf(FetchOutcome.Refused.class);
    }

    @Test
    void aPreflightedPutIsAnsweredByThePlatformAndThenReachesTheFunction() throws Exception {
        serve(null, List.of("GET", "PUT"));
        FetchOutcome outcome = browser.fetchFrom(allowedPage, server.uri(),
                FetchOptions.get().method("PUT").header("X-Custom-Header", "1").body("{}"));
        assertThat(outcome).isInstanceOf(FetchOutcome.Answered.class);
        assertThat(server.preflights()).isEqualTo(1);
        assertThat(server.functionCalls()).containsExactly("PUT");
    }

    @Test
    void aPreflightFromAnotherOriginStopsTheRequestBeforeTheFunction() throws Exception {
        serve(null, List.of("GET", "PUT"));
        FetchOutcome outcome = browser.fetchFrom(otherPage, server.uri(), FetchOptions.get().method("PUT").body("{}"));
        assertThat(outcome).isInstanceOf(FetchOutcome.Refused.class);
        assertThat(server.preflights()).isEqualTo(1);
        assertThat(server.functionCalls()).isEmpty();
    }

    @Test
    void aPreflightForAMethodOrHeaderNotAllowedStopsTheRequestBeforeTheFunction() throws Exception {
        serve(null, List.of("GET", "PUT"));
        assertThat(browser.fetchFrom(allowedPage, server.uri(), FetchOptions.get().method("DELETE")))
                .isInstanceOf(FetchOutcome.Refused.class);
        assertThat(browser.fetchFrom(allowedPage, server.uri(), FetchOptions.get().header("X-Other", "1")))
                .isInstanceOf(FetchOutcome.Refused.class);
        assertThat(server.preflights()).isEqualTo(2);
        assertThat(server.functionCalls()).isEmpty();
    }

    /** A loopback server applying {@link CorsRules} in front of a stand-in function. */
    private static final class CorsServer implements AutoCloseable {
        private final CorsRules rules;
        private final HttpServer http;
        private final Queue<String> functionCalls = new ConcurrentLinkedQueue<>();
        private final Queue<String> cookies = new ConcurrentLinkedQueue<>();
        private final Queue<String> preflights = new ConcurrentLinkedQueue<>();

        CorsServer(CorsRules rules) throws IOException {
            this.rules = rules;
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            http.createContext("/", this::handle);
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/fn");
        }

        List<String> functionCalls() {
            return List.copyOf(functionCalls);
        }

        List<String> cookies() {
            return List.copyOf(cookies);
        }

        int preflights() {
            return preflights.size();
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                var request = exchange.getRequestHeaders();
                String origin = request.getFirst("Origin");
                var preflight = rules.preflight(exchange.getRequestMethod(), origin,
                        request.getFirst("Access-Control-Request-Method"),
                        request.getFirst("Access-Control-Request-Headers"));
                if (preflight.isPresent()) {
                    preflights.add(origin);
                    preflight.get().headers().forEach(h -> exchange.getResponseHeaders().add(h.name(), h.value()));
                    exchange.sendResponseHeaders(preflight.get().statusCode(), -1);
                    return;
                }
                exchange.getRequestBody().readAllBytes();
                functionCalls.add(exchange.getRequestMethod());
                if (request.getFirst("Cookie") != null) {
                    cookies.add(request.getFirst("Cookie"));
                }
                List<Header> answer = new ArrayList<>(List.of(new Header("Content-Type", "text/plain"),
                        new Header("X-Request-Id", "r-1"), new Header("X-Internal", "secret")));
                answer.addAll(rules.forAnswer(origin, answer));
                answer.forEach(h -> exchange.getResponseHeaders().add(h.name(), h.value()));
                byte[] body = "from the function".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }
}
