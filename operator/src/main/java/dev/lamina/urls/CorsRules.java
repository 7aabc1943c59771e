package dev.lamina.urls;

import dev.lamina.api.FunctionSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A Function URL's CORS settings ({@code spec.url.cors}) applied as Lambda applies them:
 * <ul>
 *   <li>With CORS configured, a preflight request ({@code OPTIONS} with {@code Origin} and
 *       {@code Access-Control-Request-Method}) is answered by the platform, {@code 200} with an empty body, and the
 *       function is not invoked. Only the configured CORS headers answer it.</li>
 *   <li>Every other request goes to the function; an allowed origin gets {@code Access-Control-Allow-Origin},
 *       {@code -Allow-Credentials} and {@code -Expose-Headers} added to the function's answer. The function's own
 *       CORS headers are kept: Lambda documents that for requests other than preflights it returns both, which can
 *       duplicate a header.</li>
 *   <li>An origin that is not allowed gets no CORS headers at all, so the browser refuses the answer.</li>
 *   <li>Without CORS configured nothing is added and {@code OPTIONS} requests go to the function like any other.</li>
 * </ul>
 * Origins compare case-insensitively. {@code *} in {@code allowOrigins} answers {@code *}, or the request's origin
 * when credentials are allowed (browsers refuse {@code *} with credentials). {@code *} in {@code allowMethods} or
 * {@code allowHeaders} answers what the preflight asked for, since browsers take {@code *} literally with credentials
 * and never let it cover {@code Authorization}. {@code Vary: Origin} is added whenever the answer depends on the
 * origin, so a shared cache never hands one origin's answer to another.
 */
public final class CorsRules {

    public static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    public static final String ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";
    public static final String ALLOW_METHODS = "Access-Control-Allow-Methods";
    public static final String ALLOW_HEADERS = "Access-Control-Allow-Headers";
    public static final String EXPOSE_HEADERS = "Access-Control-Expose-Headers";
    public static final String MAX_AGE = "Access-Control-Max-Age";
    public static final String VARY = "Vary";

    /** No CORS configured: nothing is added, and preflights go to the function. */
    public static final CorsRules NONE = new CorsRules(null);

    private static final String ANY = "*";

    /** One response header, in the order it is to be written. */
    public record Header(String name, String value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /** The platform's own answer to a preflight: its status (always 200) and headers; the body is empty. */
    public record PreflightAnswer(int statusCode, List<Header> headers) {
        public PreflightAnswer {
            headers = List.copyOf(headers);
        }
    }

    private final FunctionSpec.Cors cors;

    private CorsRules(FunctionSpec.Cors cors) {
        this.cors = cors;
    }

    /** The rules of a Function URL's {@code cors} block; {@link #NONE} when it has none. */
    public static CorsRules of(FunctionSpec.Cors cors) {
        return cors == null ? NONE : new CorsRules(cors);
    }

    /** Whether CORS is configured, i.e. whether the platform answers preflights itself. */
    public boolean configured() {
        return cors != null;
    }

    /**
     * The platform's answer to a request when it is a preflight and CORS is configured; empty when the request is to go
     * to the function. Headers are given as the request carried them ({@code null} when absent).
     *
     * @param method the request's HTTP method
     * @param origin its {@code Origin}
     * @param requestMethod its {@code Access-Control-Request-Method}
     * @param requestHeaders its {@code Access-Control-Request-Headers} (a comma-separated list)
     */
    public Optional<PreflightAnswer> preflight(String method, String origin, String requestMethod,
            String requestHeaders) {
        if (!configured() || !"OPTIONS".equals(method) || origin == null || requestMethod == null) {
            return Optional.empty();
        }
        List<Header> headers = new ArrayList<>();
        String allowedOrigin = allowOriginFor(origin);
        if (allowedOrigin != null) {
            headers.add(new Header(ALLOW_ORIGIN, allowedOrigin));
            if (allowsCredentials()) {
                headers.add(new Header(ALLOW_CREDENTIALS, "true"));
            }
            String methods = listed(cors.allowMethods(), requestMethod.trim());
            if (methods != null) {
                headers.add(new Header(ALLOW_METHODS, methods));
            }
            String allowHeaders = listed(cors.allowHeaders(), normalisedNames(requestHeaders));
            if (allowHeaders != null) {
                headers.add(new Header(ALLOW_HEADERS, allowHeaders));
            }
            headers.add(new Header(MAX_AGE, Integer.toString(cors.maxAge() == null ? 0 : cors.maxAge())));
        }
        if (variesByOrigin()) {
            headers.add(new Header(VARY, "Origin"));
        }
        return Optional.of(new PreflightAnswer(200, headers));
    }

    /**
     * The CORS headers to add to the function's answer to a request that was not answered by {@link #preflight}; the
     * function's own headers stay as they are.
     *
     * @param origin the request's {@code Origin} ({@code null} when absent)
     * @param functionHeaders the headers of the function's answer (to see whether its {@code Vary} already names
     *     {@code Origin})
     */
    public List<Header> forAnswer(String origin, List<Header> functionHeaders) {
        if (!configured()) {
            return List.of();
        }
        List<Header> headers = new ArrayList<>();
        String allowedOrigin = origin == null ? null : allowOriginFor(origin);
        if (allowedOrigin != null) {
            headers.add(new Header(ALLOW_ORIGIN, allowedOrigin));
            if (allowsCredentials()) {
                headers.add(new Header(ALLOW_CREDENTIALS, "true"));
            }
            List<String> expose = nonBlank(cors.exposeHeaders());
            if (!expose.isEmpty()) {
                headers.add(new Header(EXPOSE_HEADERS, String.join(", ", expose)));
            }
        }
        if (variesByOrigin() && !varyCoversOrigin(functionHeaders)) {
            headers.add(new Header(VARY, "Origin"));
        }
        return headers;
    }

    /** What {@code Access-Control-Allow-Origin} says to this origin; null when the origin is not allowed. */
    private String allowOriginFor(String origin) {
        List<String> allowed = nonBlank(cors.allowOrigins());
        if (allowed.contains(ANY)) {
            return allowsCredentials() ? origin : ANY;
        }
        String asked = withoutTrailingSlash(origin.trim());
        return allowed.stream().map(CorsRules::withoutTrailingSlash).anyMatch(asked::equalsIgnoreCase) ? origin : null;
    }

    /** The answer depends on the origin unless every origin gets the same {@code *}. */
    private boolean variesByOrigin() {
        return !(nonBlank(cors.allowOrigins()).contains(ANY) && !allowsCredentials());
    }

    private boolean allowsCredentials() {
        return Boolean.TRUE.equals(cors.allowCredentials());
    }

    /** The configured list, or what was asked for when the list holds {@code *}; null when there is nothing to say. */
    private static String listed(List<String> configured, String asked) {
        List<String> values = nonBlank(configured);
        if (values.contains(ANY)) {
            return asked == null || asked.isEmpty() ? null : asked;
        }
        return values.isEmpty() ? null : String.join(", ", values);
    }

    /** A comma-separated list of header names, lower-cased (header names are case-insensitive); null when empty. */
    private static String normalisedNames(String names) {
        if (names == null) {
            return null;
        }
        List<String> list = Arrays.stream(names.split(",")).map(String::trim).filter(name -> !name.isEmpty())
                .map(name -> name.toLowerCase(Locale.ROOT)).toList();
        return list.isEmpty() ? null : String.join(", ", list);
    }

    private static boolean varyCoversOrigin(List<Header> functionHeaders) {
        return functionHeaders.stream().filter(header -> header.name().equalsIgnoreCase(VARY))
                .flatMap(header -> Arrays.stream(header.value().split(","))).map(String::trim)
                .anyMatch(value -> value.equals(ANY) || value.equalsIgnoreCase("Origin"));
    }

    private static List<String> nonBlank(List<String> values) {
        return values == null ? List.of()
                : values.stream().filter(Objects::nonNull).map(String::trim).filter(value -> !value.isEmpty()).toList();
    }

    private static String withoutTrailingSlash(String origin) {
        return origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
    }
}
