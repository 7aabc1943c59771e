package dev.lamina.edge;

import dev.lamina.api.DistributionSpec.CachePolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * What tells cached answers apart, as CloudFront's cache key: the distribution (which stands for its domain name, so
 * its aliases share entries), the method group (GET and HEAD share one, OPTIONS has its own), the URI as received,
 * and the query string parameters, headers and cookies the behaviour's cache policy selects. Selected items are
 * sorted by name (values of one name keep their order), so requests that differ only in the order of parameters,
 * headers or cookies share an entry. The Host header is in the key only when the policy selects it.
 *
 * @param distributionId the distribution's id
 * @param methodGroup    {@code GET} for GET and HEAD, else the method
 * @param uri            the path, percent-encoded as received
 * @param query          the selected parameters, {@code name=value} as written, joined by '&amp;'
 * @param headers        the selected headers, {@code name:value,value} with lower-case names, one per line
 * @param cookies        the selected cookies, {@code name=value}, joined by "; "
 */
public record CacheKey(String distributionId, String methodGroup, String uri, String query, String headers,
                       String cookies) {

    /** The key of {@code request} (as the viewer-request hook left it) under {@code policy}. */
    public static CacheKey of(String distributionId, CachePolicy policy, EdgeRequest request) {
        String method = request.method();
        String group = method.equals("HEAD") ? "GET" : method;
        String query = sortedByName(QueryParameters.parse(request.querystring())
                .selected(KeySelection.of(policy.queryStrings(), false)), QueryParameters::name, "&");
        String cookies = sortedByName(Cookies.of(request.headers())
                .selected(KeySelection.of(policy.cookies(), false)), Cookies::name, "; ");
        return new CacheKey(distributionId, group, request.uri(), query,
                headers(KeySelection.of(policy.headers(), true), request.headers()), cookies);
    }

    /** Roughly the bytes this key holds, for the cache's accounting. */
    long weight() {
        return 2L * (distributionId.length() + methodGroup.length() + uri.length() + query.length()
                + headers.length() + cookies.length());
    }

    private static String headers(KeySelection selection, EdgeHeaders headers) {
        if (selection.none()) {
            return "";
        }
        List<String> lines = new ArrayList<>();
        headers.byName().keySet().stream().filter(selection::selects).sorted()
                .forEach(name -> lines.add(name + ":" + String.join(",", headers.values(name))));
        return String.join("\n", lines);
    }

    private static String sortedByName(List<String> pairs, Function<String, String> name, String separator) {
        List<String> sorted = new ArrayList<>(pairs);
        sorted.sort(Comparator.comparing(name));
        return String.join(separator, sorted);
    }
}
