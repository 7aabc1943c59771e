package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/** A distribution: where requests go (origins), how each path is treated (cache behaviours) and its host names. */
@JsonClassDescription("The distribution's origins, its default cache behaviour and the cache behaviours chosen by path pattern (first match in order wins, the default takes the rest), extra host names and the default root object.")
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.origins.exists(o, o.id == self.defaultCacheBehavior.targetOriginId)",
        message = "defaultCacheBehavior.targetOriginId must name one of the origins")
@ValidationRule(value = "!has(self.cacheBehaviors) || self.cacheBehaviors.all(b, self.origins.exists(o, o.id == b.targetOriginId))",
        message = "every cache behaviour's targetOriginId must name one of the origins")
@ValidationRule(value = "!has(self.defaultCacheBehavior.pathPattern)",
        message = "the default cache behaviour has no pathPattern: it serves every path no other behaviour matches")
@ValidationRule(value = "!has(self.cacheBehaviors) || self.cacheBehaviors.all(b, has(b.pathPattern))",
        message = "every cache behaviour in cacheBehaviors needs a pathPattern")
public record DistributionSpec(
        @JsonPropertyDescription("Where the distribution sends requests it cannot answer from its cache (CloudFront's origins).")
        @Required @Size(min = 1, max = 25)
        @ValidationRule(value = "self.all(a, self.exists_one(b, b.id == a.id))", message = "origin ids must be unique")
        List<Origin> origins,
        @JsonPropertyDescription("How requests that match no cache behaviour's path pattern are handled.")
        @Required CacheBehavior defaultCacheBehavior,
        @JsonPropertyDescription("Cache behaviours by path pattern, in precedence order: a request takes the first whose pathPattern matches its path.")
        @Size(max = 25)
        @ValidationRule(value = "self.all(a, self.exists_one(b, b.pathPattern == a.pathPattern))",
                message = "path patterns must be unique")
        List<CacheBehavior> cacheBehaviors,
        @JsonPropertyDescription("Extra host names (CloudFront's alternate domain names, CNAMEs) the gateway serves this distribution on, besides its own DOMAIN-PREFIX.edge.DOMAIN host.")
        @Size(max = 100)
        List<@Pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$") @Size(max = 253) String> aliases,
        @JsonPropertyDescription("The object requested for the root URL (/), e.g. index.html; without it / goes to the origin as /.")
        @Size(max = 255) @Pattern("^[^/?#][^?#]*$") String defaultRootObject,
        @JsonPropertyDescription("false: the distribution answers every request with 403 (CloudFront's disabled distribution) and runs no function.")
        @Default("true") Boolean enabled) {

    /** The event types of Lambda@Edge, as CloudFront names them. */
    public static final String EVENT_TYPES = "^(viewer-request|origin-request|origin-response|viewer-response)$";

    public DistributionSpec {
        enabled = enabled == null || enabled;
    }

    /** All behaviours in precedence order: those by path pattern, then the default one. */
    public List<CacheBehavior> behaviorsInOrder() {
        List<CacheBehavior> all = new java.util.ArrayList<>(cacheBehaviors == null ? List.of() : cacheBehaviors);
        all.add(defaultCacheBehavior);
        return all;
    }

    /** Where requests go: a URL, a Service in the distribution's namespace, or a Function URL. */
    @JsonClassDescription("An origin: exactly one of url, service and functionUrl.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "(has(self.url) ? 1 : 0) + (has(self.service) ? 1 : 0) + (has(self.functionUrl) ? 1 : 0) == 1",
            message = "an origin is exactly one of url, service and functionUrl")
    public record Origin(
            @JsonPropertyDescription("The origin's id, named by cache behaviours' targetOriginId.")
            @Required @Size(min = 1, max = 128) @Pattern("^[a-zA-Z0-9_.-]+$") String id,
            @JsonPropertyDescription("An HTTP(S) origin: scheme, host, optional port and optional path prefix (CloudFront's origin path), e.g. https://static.example.com/site.")
            @Size(max = 2048) @Pattern("^https?://[^/?#\\s]+(/[^?#\\s]*)?$") String url,
            @JsonPropertyDescription("A Kubernetes Service in the distribution's namespace, reached over HTTP at NAME.NAMESPACE.svc:PORT (in local mode, localhost:PORT).")
            ServiceOrigin service,
            @JsonPropertyDescription("A Function URL of a Function in the distribution's namespace (CloudFront's Lambda function URL origin): the function's, or its alias's with qualifier.")
            FunctionUrlOrigin functionUrl,
            @JsonPropertyDescription("A path prefix added to every request's URI on its way to the origin (CloudFront's origin path), e.g. /production. For url origins, the URL's own path is the prefix.")
            @Size(max = 255) @Pattern("^/[^?#]*[^/?#]$") String path,
            @JsonPropertyDescription("Headers added to every request sent to this origin (CloudFront's origin custom headers); they replace the viewer's headers of the same names.")
            @Size(max = 10) Map<String, @Size(max = 1783) String> customHeaders,
            @JsonPropertyDescription("Seconds to wait for the origin's answer before the viewer gets 504 (CloudFront's origin response timeout).")
            @Min(1) @Max(180) @Default("30") Integer readTimeoutSeconds) {

        public Origin {
            readTimeoutSeconds = readTimeoutSeconds == null ? 30 : readTimeoutSeconds;
        }
    }

    /** A Service and port as an origin. */
    public record ServiceOrigin(
            @JsonPropertyDescription("The Service's name, in the distribution's namespace.")
            @Required @Size(max = 63) @Pattern(Names.FUNCTION) String name,
            @JsonPropertyDescription("The Service port to send requests to (HTTP).")
            @Required @Min(1) @Max(65535) Integer port) {
    }

    /** A Function URL as an origin. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FunctionUrlOrigin(
            @JsonPropertyDescription("The Function, in the distribution's namespace; it (or the alias) must have a url.")
            @Required @Size(max = Names.FUNCTION_MAX_LENGTH) @Pattern(Names.FUNCTION) String function,
            @JsonPropertyDescription("An alias of the function whose Function URL to use; without it the function's own ($LATEST) URL.")
            @Size(max = 128) @Pattern("^[a-zA-Z0-9_-]+$") String qualifier) {
    }

    /** How the requests of one path pattern (or all others) are answered. */
    @JsonClassDescription("A cache behaviour: the origin, the methods allowed and cached, the cache policy (TTLs and cache key), what the origin receives, and the Lambda@Edge function associations.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.cachedMethods) || self.cachedMethods.all(m, m in self.allowedMethods)",
            message = "cachedMethods must be allowedMethods too")
    public record CacheBehavior(
            @JsonPropertyDescription("CloudFront's path pattern, matched case-sensitively against the request's path: * matches any characters (also /), ? exactly one; a leading / is optional. E.g. /images/*.jpg, api/*. Only in cacheBehaviors.")
            @Size(min = 1, max = 255) @Pattern("^[a-zA-Z0-9_\\-.*$/~\"'@:+?&=!%]+$") String pathPattern,
            @JsonPropertyDescription("The id of the origin that gets this behaviour's cache misses.")
            @Required @Size(max = 128) String targetOriginId,
            @JsonPropertyDescription("Methods the distribution accepts (others get 403), as CloudFront's sets: [GET, HEAD], [GET, HEAD, OPTIONS], or all seven.")
            @ValidationRule(value = "self == ['GET', 'HEAD'] || self == ['GET', 'HEAD', 'OPTIONS'] || self == ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']",
                    message = "allowedMethods is one of CloudFront's sets: [GET, HEAD], [GET, HEAD, OPTIONS], [GET, HEAD, OPTIONS, PUT, PATCH, POST, DELETE]")
            @Size(max = 7) List<@Size(max = 7) String> allowedMethods,
            @JsonPropertyDescription("Methods whose answers are cached: [GET, HEAD] or [GET, HEAD, OPTIONS].")
            @ValidationRule(value = "self == ['GET', 'HEAD'] || self == ['GET', 'HEAD', 'OPTIONS']",
                    message = "cachedMethods is [GET, HEAD] or [GET, HEAD, OPTIONS]")
            @Size(max = 3) List<@Size(max = 7) String> cachedMethods,
            @JsonPropertyDescription("TTLs and the cache key.")
            CachePolicy cachePolicy,
            @JsonPropertyDescription("What the origin receives of the viewer's request: CacheKey (default, as CloudFront without an origin request policy: only the query strings, headers and cookies in the cache key), AllViewer (all of them, the viewer's Host included) or AllViewerExceptHostHeader (all of them; Host is the origin's).")
            @Pattern("^(CacheKey|AllViewer|AllViewerExceptHostHeader)$") @Default("CacheKey") String originRequestPolicy,
            @JsonPropertyDescription("Lambda@Edge: at most one function version per event type, run at that point of each request.")
            @Size(max = 4)
            @ValidationRule(value = "self.all(a, self.exists_one(b, b.eventType == a.eventType))",
                    message = "at most one function association per event type")
            List<FunctionAssociation> lambdaFunctionAssociations) {

        public CacheBehavior {
            allowedMethods = allowedMethods == null ? List.of("GET", "HEAD") : List.copyOf(allowedMethods);
            cachedMethods = cachedMethods == null ? List.of("GET", "HEAD") : List.copyOf(cachedMethods);
            cachePolicy = cachePolicy == null ? CachePolicy.DEFAULT : cachePolicy;
            originRequestPolicy = originRequestPolicy == null ? "CacheKey" : originRequestPolicy;
            lambdaFunctionAssociations = lambdaFunctionAssociations == null ? List.of()
                    : List.copyOf(lambdaFunctionAssociations);
        }
    }

    /** How long answers are cached and what tells cached answers apart. */
    @JsonClassDescription("CloudFront's cache policy: TTLs in seconds and the parts of a request in the cache key. The origin's Cache-Control max-age or s-maxage (or Expires) sets the TTL within minTTL and maxTTL; without them defaultTTL applies; no-cache, no-store and private cache for minTTL only.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.minTTL <= self.defaultTTL && self.defaultTTL <= self.maxTTL",
            message = "TTLs must satisfy minTTL <= defaultTTL <= maxTTL")
    public record CachePolicy(
            @JsonPropertyDescription("Seconds an answer stays cached at least, whatever the origin says.")
            @Min(0) @Max(31536000) @Default("0") Long minTTL,
            @JsonPropertyDescription("Seconds an answer stays cached when the origin sends no Cache-Control max-age/s-maxage nor Expires.")
            @Min(0) @Max(3153600000L) @Default("86400") Long defaultTTL,
            @JsonPropertyDescription("Seconds an answer stays cached at most, whatever the origin says. 0 with the others 0 turns caching off.")
            @Min(0) @Max(3153600000L) @Default("31536000") Long maxTTL,
            @JsonPropertyDescription("Which query string parameters are in the cache key.")
            KeyItems queryStrings,
            @JsonPropertyDescription("Which request headers are in the cache key (behavior none or whitelist).")
            @ValidationRule(value = "self.behavior == 'none' || self.behavior == 'whitelist'",
                    message = "headers.behavior is none or whitelist")
            KeyItems headers,
            @JsonPropertyDescription("Which cookies are in the cache key.")
            KeyItems cookies) {

        public static final CachePolicy DEFAULT = new CachePolicy(null, null, null, null, null, null);

        public CachePolicy {
            minTTL = minTTL == null ? 0 : minTTL;
            defaultTTL = defaultTTL == null ? 86400 : defaultTTL;
            maxTTL = maxTTL == null ? 31536000 : maxTTL;
            queryStrings = queryStrings == null ? KeyItems.NONE : queryStrings;
            headers = headers == null ? KeyItems.NONE : headers;
            cookies = cookies == null ? KeyItems.NONE : cookies;
        }
    }

    /** Which query strings, headers or cookies are in the cache key. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "(self.behavior == 'whitelist' || self.behavior == 'allExcept') == (has(self.items) && size(self.items) > 0)",
            message = "items are needed with behavior whitelist or allExcept, and only with them")
    public record KeyItems(
            @JsonPropertyDescription("none (not in the key), whitelist (the listed ones), allExcept (all but the listed ones) or all.")
            @Pattern("^(none|whitelist|allExcept|all)$") @Default("none") String behavior,
            @JsonPropertyDescription("The names listed (headers case-insensitively; query strings and cookies as written).")
            @Size(max = 30) List<@Size(min = 1, max = 256) String> items) {

        public static final KeyItems NONE = new KeyItems("none", null);

        public KeyItems {
            behavior = behavior == null ? "none" : behavior;
            items = items == null ? List.of() : List.copyOf(items);
        }
    }

    /** A Lambda@Edge function version run at one event type. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.includeBody) || !self.includeBody || self.eventType == 'viewer-request' || self.eventType == 'origin-request'",
            message = "includeBody is for viewer-request and origin-request functions only")
    public record FunctionAssociation(
            @JsonPropertyDescription("When the function runs: viewer-request (every request, before the cache), origin-request (cache misses, before the origin), origin-response (the origin's answer, before it is cached) or viewer-response (every answer, before it goes back).")
            @Required @Pattern(EVENT_TYPES) String eventType,
            @JsonPropertyDescription("The Function, in the distribution's namespace. Its timeoutSeconds must be at most 5 for viewer events and 30 for origin events, its memoryMB at most 128 for viewer events (Lambda@Edge's limits).")
            @Required @Size(max = Names.FUNCTION_MAX_LENGTH) @Pattern(Names.FUNCTION) String function,
            @JsonPropertyDescription("A published version number, as Lambda@Edge requires: $LATEST and aliases are refused.")
            @Required @Size(max = 10)
            @ValidationRule(value = "self.matches('" + Names.VERSION + "')",
                    message = "Lambda@Edge runs a numbered version of a function: $LATEST and aliases are refused")
            String functionVersion,
            @JsonPropertyDescription("Request events: the function gets the request body (base64, truncated past 40 KB for viewer-request and 1 MB for origin-request) and may replace it.")
            @Default("false") Boolean includeBody) {

        public FunctionAssociation {
            includeBody = includeBody != null && includeBody;
        }
    }
}
