package dev.lamina.edge;

import dev.lamina.urls.HttpHeader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Headers as Lambda@Edge carries them: each lower-case name to its lines ({@code key} in the case written,
 * {@code value}), in the order received. Immutable.
 */
public record EdgeHeaders(Map<String, List<HttpHeader>> byName) {

    public static final EdgeHeaders EMPTY = new EdgeHeaders(Map.of());

    public EdgeHeaders {
        Map<String, List<HttpHeader>> copy = new LinkedHashMap<>();
        byName.forEach((name, lines) -> {
            if (!lines.isEmpty()) {
                copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(lines));
            }
        });
        byName = Collections.unmodifiableMap(copy);
    }

    /** Header lines as received, grouped by lower-case name. */
    public static EdgeHeaders of(List<HttpHeader> lines) {
        Map<String, List<HttpHeader>> groups = new LinkedHashMap<>();
        for (HttpHeader line : lines) {
            groups.computeIfAbsent(line.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(line);
        }
        return new EdgeHeaders(groups);
    }

    /** The values of a header, case-insensitively; empty if absent. */
    public List<String> values(String name) {
        return byName.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()).stream().map(HttpHeader::value).toList();
    }

    /** The first value of a header, or null. */
    public String first(String name) {
        List<HttpHeader> lines = byName.get(name.toLowerCase(Locale.ROOT));
        return lines == null ? null : lines.getFirst().value();
    }

    public boolean contains(String name) {
        return byName.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** These headers with {@code name} set to one line (replacing any it had). */
    public EdgeHeaders with(String name, String value) {
        Map<String, List<HttpHeader>> copy = new LinkedHashMap<>(byName);
        copy.put(name.toLowerCase(Locale.ROOT), List.of(new HttpHeader(name, value)));
        return new EdgeHeaders(copy);
    }

    /** These headers without {@code name}. */
    public EdgeHeaders without(String name) {
        Map<String, List<HttpHeader>> copy = new LinkedHashMap<>(byName);
        copy.remove(name.toLowerCase(Locale.ROOT));
        return new EdgeHeaders(copy);
    }

    /** Every line, in order. */
    public List<HttpHeader> lines() {
        return byName.values().stream().flatMap(List::stream).toList();
    }
}
