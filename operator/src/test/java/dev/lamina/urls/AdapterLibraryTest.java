package dev.lamina.urls;

import static dev.lamina.urls.Calls.CONTEXT;
import static dev.lamina.urls.Calls.call;
import static dev.lamina.urls.Calls.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.serverless.proxy.AwsHttpApiV2SecurityContextWriter;
import com.amazonaws.serverless.proxy.AwsProxySecurityContextWriter;
import com.amazonaws.serverless.proxy.RequestReader;
import com.amazonaws.serverless.proxy.SecurityContextWriter;
import com.amazonaws.serverless.proxy.internal.LambdaContainerHandler;
import com.amazonaws.serverless.proxy.internal.servlet.AwsHttpApiV2HttpServletRequestReader;
import com.amazonaws.serverless.proxy.internal.servlet.AwsHttpServletResponse;
import com.amazonaws.serverless.proxy.internal.servlet.AwsProxyHttpServletRequestReader;
import com.amazonaws.serverless.proxy.internal.servlet.AwsProxyHttpServletResponseWriter;
import com.amazonaws.serverless.proxy.model.AwsProxyRequest;
import com.amazonaws.serverless.proxy.model.AwsProxyRequestContext;
import com.amazonaws.serverless.proxy.model.HttpApiV2ProxyRequest;
import com.amazonaws.serverless.proxy.model.HttpApiV2ProxyRequestContext;
import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real adapter library — the one that runs servlet applications on Lambda's HTTP events — reading Lambda's events
 * for a Function URL in each payload format, and its responses read back into HTTP answers. Each step is the
 * library's own: its object mapper, its request readers and security context writers, its servlet response and its
 * response writers, configured as its handlers configure them for each integration.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AdapterLibraryTest {

    private static final ObjectMapper LIBRARY_JSON = LambdaContainerHandler.getObjectMapper();

    private static final String JSON_BODY = "{\"drink\":\"café crème\",\"sizes\":[\"S\",\"M\"]}";

    /** A PNG signature followed by bytes that are not UTF-8. */
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, (byte) 0xff,
            (byte) 0xfe, (byte) 0xc3, 0x28, 0x7f};

    private static final HttpCall JSON_POST = call("POST", "/orders/caf%C3%A9%20cr%C3%A8me/items",
            "tag=hot&tag=to%20go&price=1%2B2&plain", JSON_BODY.getBytes(StandardCharsets.UTF_8),
            "Host", "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.localhost",
            "Content-Type", "application/json; charset=utf-8",
            "X-Trace", "first",
            "X-Trace", "second",
            "Cookie", "session=abc123; theme=dark",
            "User-Agent", "curl/8.5.0");

    private static final HttpCall PNG_PUT = call("PUT", "/images/logo.png", "", PNG,
            "Host", "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.localhost",
            "Content-Type", "image/png");

    /** How the library is set up for each integration whose events a URL's payload format sends. */
    enum Integration {
        /** 1.0: the library's API Gateway REST (proxy) handler. */
        REST("1.0"),
        /** 2.0: the library's HTTP API (payload 2.0) handler; it writes single-value headers. */
        HTTP_API("2.0"),
        /** alb: the library's proxy handler reading a target group's events; it needs multi-value headers. */
        ALB("alb");

        final PayloadFormat format;

        Integration(String format) {
            this.format = PayloadFormat.of(format, true);
        }

        /** The event for a call, through the library to the servlet, and the library's response as JSON. */
        byte[] serve(HttpCall call, HttpServlet servlet) throws Exception {
            return serve(call, CONTEXT, servlet);
        }

        byte[] serve(HttpCall call, UrlContext context, HttpServlet servlet) throws Exception {
            byte[] event = format.event(call, context);
            return switch (this) {
                case REST, ALB -> library(event, AwsProxyRequest.class, new AwsProxyHttpServletRequestReader(),
                        new AwsProxySecurityContextWriter(), new AwsProxyHttpServletResponseWriter(), servlet);
                case HTTP_API -> library(event, HttpApiV2ProxyRequest.class,
                        new AwsHttpApiV2HttpServletRequestReader(), new AwsHttpApiV2SecurityContextWriter(),
                        new AwsProxyHttpServletResponseWriter(true), servlet);
            };
        }

        /** What the servlet answered, as this integration's payload format maps the library's response. */
        HttpAnswer answer(HttpCall call, HttpServlet servlet) throws Exception {
            return ok(format.answer(serve(call, servlet)));
        }
    }

    /** What a servlet application saw of the request; the request context as the library's reader set it. */
    record Seen(String method, String requestUri, String pathInfo, String queryString, List<String> tags,
                String price, List<String> plain, List<String> traces, List<String> cookies, String contentType,
                byte[] body, String text, String remoteAddr, Object requestContext) {
    }

    /** A servlet that records what it saw and answers with what {@code answer} writes. */
    private static final class RecordingServlet extends HttpServlet {

        private final Consumer<HttpServletResponse> answer;
        private Seen seen;

        RecordingServlet(Consumer<HttpServletResponse> answer) {
            this.answer = answer;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] body = request.getInputStream().readAllBytes();
            String encoding = request.getCharacterEncoding();
            Cookie[] cookies = request.getCookies();
            seen = new Seen(request.getMethod(), request.getRequestURI(), request.getPathInfo(),
                    request.getQueryString(), values(request.getParameterValues("tag")), request.getParameter("price"),
                    values(request.getParameterValues("plain")), Collections.list(request.getHeaders("x-trace")),
                    cookies == null ? List.of() : Arrays.stream(cookies).map(c -> c.getName() + "=" + c.getValue())
                            .toList(),
                    request.getContentType(), body,
                    encoding == null ? null : new String(body, encoding), request.getRemoteAddr(),
                    Optional.ofNullable(request.getAttribute(RequestReader.API_GATEWAY_CONTEXT_PROPERTY))
                            .orElse(request.getAttribute(RequestReader.HTTP_API_CONTEXT_PROPERTY)));
            answer.accept(response);
        }

        Seen seen() {
            return seen;
        }

        private static List<String> values(String[] values) {
            return values == null ? List.of() : Arrays.asList(values);
        }
    }

    @ParameterizedTest
    @EnumSource(Integration.class)
    void aServletSeesTheRequestAsTheClientSentIt(Integration integration) throws Exception {
        RecordingServlet servlet = new RecordingServlet(response -> response.setStatus(204));

        integration.serve(JSON_POST, servlet);

        Seen seen = servlet.seen();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.requestUri()).isEqualTo("/orders/caf%C3%A9%20cr%C3%A8me/items");
        assertThat(seen.pathInfo()).isEqualTo("/orders/café crème/items");
        assertThat(seen.tags()).containsExactly("hot", "to go");
        assertThat(seen.price()).isEqualTo("1+2");
        // A name without '=' is there once: its value is empty, or null as the library parses a 2.0 raw query.
        assertThat(seen.plain()).hasSize(1);
        assertThat(seen.traces()).containsExactly("first", "second");
        // A Function URL's 2.0 event has the cookies both in the cookie header and in cookies, as AWS sends them;
        // this library reads both, so there a servlet sees each twice, as behind AWS's URLs.
        assertThat(seen.cookies()).containsExactlyElementsOf(integration == Integration.HTTP_API
                ? List.of("session=abc123", "theme=dark", "session=abc123", "theme=dark")
                : List.of("session=abc123", "theme=dark"));
        assertThat(seen.contentType()).startsWith("application/json");
        assertThat(seen.text()).isEqualTo(JSON_BODY);
        // A load balancer's event has no requestContext.identity (nor has AWS's), where this library looks for the
        // client: it answers the loopback address there.
        assertThat(seen.remoteAddr()).isEqualTo(integration == Integration.ALB ? "127.0.0.1" : "203.0.113.7");
    }

    /** The request context the library hands a servlet names the authenticated caller where AWS puts an IAM one. */
    @Test
    void anAuthenticatedCallerIsInTheRequestContextTheServletReads() throws Exception {
        UrlContext authenticated = UrlContext.of("123456789012", CONTEXT.urlId(), "us-east-1", "echo", Calls.CALLER);
        RecordingServlet rest = new RecordingServlet(response -> response.setStatus(204));
        RecordingServlet httpApi = new RecordingServlet(response -> response.setStatus(204));

        Integration.REST.serve(JSON_POST, authenticated, rest);
        Integration.HTTP_API.serve(JSON_POST, authenticated, httpApi);

        AwsProxyRequestContext restContext = (AwsProxyRequestContext) rest.seen().requestContext();
        assertThat(restContext.getIdentity().getUserArn()).isEqualTo("system:serviceaccount:media:uploader");
        assertThat(restContext.getIdentity().getUser()).isEqualTo("4f9a-uid");
        assertThat(restContext.getAccountId()).isEqualTo("123456789012");
        HttpApiV2ProxyRequestContext httpApiContext = (HttpApiV2ProxyRequestContext) httpApi.seen().requestContext();
        assertThat(httpApiContext.getAuthorizer().isIam()).isTrue();
        assertThat(httpApiContext.getAuthorizer().getIamAuthorizer().getUserArn())
                .isEqualTo("system:serviceaccount:media:uploader");
        assertThat(httpApiContext.getAuthorizer().getIamAuthorizer().getUserId()).isEqualTo("4f9a-uid");
        assertThat(httpApiContext.getDomainName()).isEqualTo(JSON_POST.domainName());
    }

    @ParameterizedTest
    @EnumSource(Integration.class)
    void aBinaryBodyReachesTheServletByteForByte(Integration integration) throws Exception {
        RecordingServlet servlet = new RecordingServlet(response -> response.setStatus(204));

        integration.serve(PNG_PUT, servlet);

        assertThat(servlet.seen().method()).isEqualTo("PUT");
        assertThat(servlet.seen().pathInfo()).isEqualTo("/images/logo.png");
        assertThat(servlet.seen().contentType()).startsWith("image/png");
        assertThat(servlet.seen().body()).isEqualTo(PNG);
    }

    @ParameterizedTest
    @EnumSource(Integration.class)
    void aBinaryAnswerReachesTheClientByteForByte(Integration integration) throws Exception {
        HttpAnswer answer = integration.answer(PNG_PUT, new RecordingServlet(response -> {
            response.setContentType("image/png");
            write(response, PNG);
        }));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers()).contains(new HttpHeader("Content-Type", "image/png"));
        assertThat(answer.body()).isEqualTo(PNG);
    }

    /** With multi-value headers every header line and every cookie the servlet set reaches the client. */
    @ParameterizedTest
    @EnumSource(value = Integration.class, names = {"REST", "ALB"})
    void aServletsAnswerReachesTheClientWithEveryHeaderLine(Integration integration) throws Exception {
        HttpAnswer answer = integration.answer(JSON_POST, new RecordingServlet(RESOURCE_CREATED));

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.headers()).contains(new HttpHeader("Location", "/orders/42"),
                new HttpHeader("Vary", "Accept"), new HttpHeader("Vary", "Cookie"),
                new HttpHeader("Content-Type", "application/json; charset=UTF-8"));
        assertThat(answer.headers()).filteredOn(h -> h.name().equalsIgnoreCase("set-cookie"))
                .extracting(HttpHeader::value)
                .containsExactly("order=42; Path=/orders", "theme=light");
        assertThat(answer.body()).asString(StandardCharsets.UTF_8).isEqualTo("{\"id\":42,\"drink\":\"café crème\"}");
    }

    /**
     * Payload 2.0 answers have single-value headers only (repeated names and cookies go in {@code cookies}, which
     * this library does not write), so a repeated header arrives with its first value, as behind AWS's URLs.
     */
    @Test
    void anHttpApiAnswerCarriesTheFirstValueOfARepeatedHeader() throws Exception {
        HttpAnswer answer = Integration.HTTP_API.answer(JSON_POST, new RecordingServlet(RESOURCE_CREATED));

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.headers()).contains(new HttpHeader("Location", "/orders/42"),
                new HttpHeader("Vary", "Accept"),
                new HttpHeader("Content-Type", "application/json; charset=UTF-8"));
        assertThat(answer.headersWithCookies()).filteredOn(h -> h.name().equalsIgnoreCase("set-cookie"))
                .extracting(HttpHeader::value)
                .containsExactly("order=42; Path=/orders");
        assertThat(answer.body()).asString(StandardCharsets.UTF_8).isEqualTo("{\"id\":42,\"drink\":\"café crème\"}");
    }

    @Test
    void aLoadBalancersAnswerCarriesTheReasonPhraseTheLibraryWrote() throws Exception {
        HttpAnswer answer = Integration.ALB.answer(JSON_POST, new RecordingServlet(RESOURCE_CREATED));

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.statusDescription()).isEqualTo("Created");
    }

    private static final Consumer<HttpServletResponse> RESOURCE_CREATED = response -> {
        response.setStatus(201);
        response.setHeader("Location", "/orders/42");
        response.addHeader("Vary", "Accept");
        response.addHeader("Vary", "Cookie");
        Cookie order = new Cookie("order", "42");
        order.setPath("/orders");
        response.addCookie(order);
        response.addCookie(new Cookie("theme", "light"));
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        write(response, "{\"id\":42,\"drink\":\"café crème\"}".getBytes(StandardCharsets.UTF_8));
    };

    private static void write(HttpServletResponse response, byte[] body) {
        try {
            response.getOutputStream().write(body);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The event read with the library's mapper into its event type, turned into a servlet request by its reader,
     * served by the servlet into its servlet response, and written by its response writer with its mapper — the
     * steps its container handler takes for one invocation.
     */
    private static <E> byte[] library(byte[] event, Class<E> type, RequestReader<E, HttpServletRequest> reader,
                                      SecurityContextWriter<E> security, AwsProxyHttpServletResponseWriter writer,
                                      HttpServlet servlet) throws Exception {
        E request = LIBRARY_JSON.readValue(event, type);
        Context lambda = new InvocationContext();
        HttpServletRequest servletRequest = reader.readRequest(request, security.writeSecurityContext(request, lambda),
                lambda, LambdaContainerHandler.getContainerConfig());
        AwsHttpServletResponse servletResponse = new AwsHttpServletResponse(servletRequest, new CountDownLatch(1));
        servlet.service(servletRequest, servletResponse);
        servletResponse.flushBuffer();
        return LIBRARY_JSON.writeValueAsBytes(writer.writeResponse(servletResponse, lambda));
    }

    /** The Lambda context of an invocation of the function behind the URL. */
    private static final class InvocationContext implements Context {

        @Override
        public String getAwsRequestId() {
            return "req-1";
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/echo";
        }

        @Override
        public String getLogStreamName() {
            return "2020/03/04/[$LATEST]0123456789abcdef";
        }

        @Override
        public String getFunctionName() {
            return "echo";
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:123456789012:function:echo";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return 30_000;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 128;
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    System.out.println(message);
                }

                @Override
                public void log(byte[] message) {
                    System.out.println(new String(message, StandardCharsets.UTF_8));
                }
            };
        }
    }
}
