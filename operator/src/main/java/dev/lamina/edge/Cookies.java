package dev.lamina.edge;

import java.util.ArrayList;
import java.util.List;

/** The {@code name=value} pairs of a request's {@code cookie} header lines, in order, trimmed. */
record Cookies(List<String> pairs) {

    static Cookies of(EdgeHeaders headers) {
        List<String> pairs = new ArrayList<>();
        for (String line : headers.values("cookie")) {
            for (String pair : line.split(";")) {
                String trimmed = pair.strip();
                if (!trimmed.isEmpty()) {
                    pairs.add(trimmed);
                }
            }
        }
        return new Cookies(pairs);
    }

    static String name(String pair) {
        int eq = pair.indexOf('=');
        return (eq < 0 ? pair : pair.substring(0, eq)).strip();
    }

    /** The pairs whose names {@code selection} selects, in their order. */
    List<String> selected(KeySelection selection) {
        return pairs.stream().filter(p -> selection.selects(name(p))).toList();
    }
}
