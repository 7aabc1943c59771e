package dev.lamina.edge;

/**
 * A cache behaviour's path pattern, compiled once: case-sensitive, {@code *} matches any run of characters ('/'
 * included), {@code ?} exactly one, and a leading '/' is optional (on the pattern and on the path alike). Matching
 * allocates nothing.
 */
public record PathPattern(String text) {

    /** Whether {@code path} (as {@link PathPatterns#normalize} gives it) matches. */
    public boolean matches(String path) {
        int p = text.startsWith("/") ? 1 : 0;
        int s = path.startsWith("/") ? 1 : 0;
        int starP = -1;
        int starS = -1;
        while (s < path.length()) {
            if (p < text.length() && (text.charAt(p) == '?' || text.charAt(p) == path.charAt(s))) {
                p++;
                s++;
            } else if (p < text.length() && text.charAt(p) == '*') {
                starP = p++;
                starS = s;
            } else if (starP >= 0) {
                // The last '*' takes one more character; earlier ones never need to (greedy glob matching).
                p = starP + 1;
                s = ++starS;
            } else {
                return false;
            }
        }
        while (p < text.length() && text.charAt(p) == '*') {
            p++;
        }
        return p == text.length();
    }
}
