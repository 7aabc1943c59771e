package dev.lamina.edge;

import dev.lamina.api.DistributionSpec;
import dev.lamina.api.DistributionSpec.CacheBehavior;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Chooses a distribution's cache behaviour for a request path: the first entry of {@code cacheBehaviors} whose
 * pattern matches, else the default behaviour. Built once per distribution spec.
 *
 * <p>Patterns are matched against the path normalised as RFC 3986 does (percent-encoded unreserved characters
 * decoded, other escapes in upper case, dot segments removed) with runs of '/' collapsed, so {@code /a/../admin/x}
 * and {@code /%61dmin/x} take the behaviour of {@code /admin/x}. The path hooks see, the cache key and the origin
 * keep the URI as received.
 */
public final class PathPatterns {

    private record Entry(PathPattern pattern, CacheBehavior behavior) {
    }

    private final List<Entry> entries;
    private final CacheBehavior defaultBehavior;

    private PathPatterns(List<Entry> entries, CacheBehavior defaultBehavior) {
        this.entries = entries;
        this.defaultBehavior = defaultBehavior;
    }

    public static PathPatterns of(DistributionSpec spec) {
        List<CacheBehavior> ordered = spec.behaviorsInOrder();
        List<Entry> entries = ordered.subList(0, ordered.size() - 1).stream()
                .map(b -> new Entry(new PathPattern(b.pathPattern()), b)).toList();
        return new PathPatterns(entries, spec.defaultCacheBehavior());
    }

    /** The behaviour for a request's {@code uri} (the path as received, percent-encoded, without the query). */
    public CacheBehavior behaviorFor(String uri) {
        String path = normalize(uri);
        for (Entry entry : entries) {
            if (entry.pattern().matches(path)) {
                return entry.behavior();
            }
        }
        return defaultBehavior;
    }

    /** The form of a path that patterns are matched against (see the class comment). */
    public static String normalize(String uri) {
        if (uri.indexOf('%') < 0 && !uri.contains("/.") && !uri.contains("//")) {
            return uri;
        }
        return removeDotSegments(decodeUnreserved(uri));
    }

    private static String decodeUnreserved(String uri) {
        if (uri.indexOf('%') < 0) {
            return uri;
        }
        StringBuilder out = new StringBuilder(uri.length());
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            int value = c == '%' && i + 2 < uri.length() ? hexByte(uri.charAt(i + 1), uri.charAt(i + 2)) : -1;
            if (value < 0) {
                out.append(c);
            } else if (isUnreserved((char) value)) {
                out.append((char) value);
                i += 2;
            } else {
                out.append('%').append(uri.substring(i + 1, i + 3).toUpperCase(Locale.ROOT));
                i += 2;
            }
        }
        return out.toString();
    }

    private static String removeDotSegments(String path) {
        Deque<String> segments = new ArrayDeque<>();
        String[] parts = path.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            if (part.equals("..")) {
                segments.pollLast();
                if (last) {
                    segments.addLast("");
                }
            } else if (part.equals(".") || part.isEmpty()) {
                if (last) {
                    segments.addLast("");
                }
            } else {
                segments.addLast(part);
            }
        }
        return "/" + String.join("/", segments);
    }

    private static int hexByte(char high, char low) {
        int h = Character.digit(high, 16);
        int l = Character.digit(low, 16);
        return h < 0 || l < 0 ? -1 : h << 4 | l;
    }

    private static boolean isUnreserved(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                || c == '_' || c == '~';
    }
}
