package example.edge;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.CloudFrontEvent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A Lambda@Edge origin-response hook: a 200 answer for a static asset (by the extension of the request's uri) whose
 * origin sent no Cache-Control, or a weak one, leaves with {@code cache-control: public, max-age=86400}, so the
 * distribution and browsers keep it a day. Weak means {@code no-cache}, or no positive {@code max-age} nor
 * {@code s-maxage}; {@code no-store} and {@code private} are the origin's explicit wish and stay.
 *
 * <p>The result is the response in Lambda@Edge's shape ({@code status}, {@code statusDescription}, {@code headers}
 * as lower-case name to a list of {@code {key, value}}), as a map the runtime serialises to JSON.
 */
public class CacheHeaders implements RequestHandler<CloudFrontEvent, Map<String, Object>> {

    static final String LONG_LIVED = "public, max-age=86400";

    private static final Set<String> STATIC_EXTENSIONS = Set.of("css", "js", "mjs", "map", "png", "jpg", "jpeg",
            "gif", "webp", "avif", "svg", "ico", "woff", "woff2", "ttf", "otf");

    @Override
    public Map<String, Object> handleRequest(CloudFrontEvent event, Context context) {
        CloudFrontEvent.CF cf = event.getRecords().getFirst().getCf();
        CloudFrontEvent.Response response = cf.getResponse();
        Map<String, List<CloudFrontEvent.Header>> headers = new LinkedHashMap<>();
        if (response.getHeaders() != null) {
            headers.putAll(response.getHeaders());
        }
        String uri = cf.getRequest().getUri();
        if ("200".equals(response.getStatus()) && isStaticAsset(uri) && isWeak(headers.get("cache-control"))) {
            context.getLogger().log("long-lived cache-control for " + uri + "\n");
            headers.put("cache-control", List.of(new CloudFrontEvent.Header()
                    .withKey("Cache-Control").withValue(LONG_LIVED)));
        }
        return edgeResponse(response, headers);
    }

    static boolean isStaticAsset(String uri) {
        String name = uri.substring(uri.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot >= 0 && STATIC_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    static boolean isWeak(List<CloudFrontEvent.Header> cacheControl) {
        if (cacheControl == null) {
            return true;
        }
        List<String> directives = cacheControl.stream()
                .flatMap(line -> Arrays.stream(line.getValue().split(",")))
                .map(directive -> directive.strip().toLowerCase(Locale.ROOT))
                .toList();
        if (directives.contains("no-store") || directives.contains("private")) {
            return false;
        }
        return directives.contains("no-cache") || directives.stream().noneMatch(CacheHeaders::isPositiveAge);
    }

    private static boolean isPositiveAge(String directive) {
        int equals = directive.indexOf('=');
        if (equals < 0) {
            return false;
        }
        String name = directive.substring(0, equals).strip();
        String seconds = directive.substring(equals + 1).strip().replace("\"", "");
        return (name.equals("max-age") || name.equals("s-maxage")) && seconds.matches("0*[1-9][0-9]*");
    }

    private static Map<String, Object> edgeResponse(CloudFrontEvent.Response response,
            Map<String, List<CloudFrontEvent.Header>> headers) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", response.getStatus());
        if (response.getStatusDescription() != null) {
            result.put("statusDescription", response.getStatusDescription());
        }
        Map<String, List<Map<String, String>>> lines = new LinkedHashMap<>();
        headers.forEach((name, values) -> lines.put(name, values.stream()
                .map(h -> Map.of("key", h.getKey() == null ? name : h.getKey(), "value", h.getValue()))
                .toList()));
        result.put("headers", lines);
        return result;
    }
}
