package dev.lamina.edge;

import java.util.ArrayList;
import java.util.List;

/** A query string's {@code name=value} pairs as written (not decoded), in order. */
record QueryParameters(List<String> pairs) {

    static QueryParameters parse(String querystring) {
        List<String> pairs = new ArrayList<>();
        for (String pair : querystring.split("&")) {
            if (!pair.isEmpty()) {
                pairs.add(pair);
            }
        }
        return new QueryParameters(pairs);
    }

    static String name(String pair) {
        int eq = pair.indexOf('=');
        return eq < 0 ? pair : pair.substring(0, eq);
    }

    /** The pairs whose names {@code selection} selects, in their order. */
    List<String> selected(KeySelection selection) {
        return pairs.stream().filter(p -> selection.selects(name(p))).toList();
    }
}
