package dev.lamina.edge;

import java.util.Locale;
import java.util.OptionalLong;

/** The directives of a response's Cache-Control lines that decide how long the edge keeps it. */
record CacheControl(boolean noCache, boolean noStore, boolean isPrivate, OptionalLong sMaxAge, OptionalLong maxAge) {

    static CacheControl of(EdgeHeaders headers) {
        boolean noCache = false;
        boolean noStore = false;
        boolean isPrivate = false;
        OptionalLong sMaxAge = OptionalLong.empty();
        OptionalLong maxAge = OptionalLong.empty();
        for (String line : headers.values("cache-control")) {
            for (String directive : line.split(",")) {
                int eq = directive.indexOf('=');
                String name = (eq < 0 ? directive : directive.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
                String value = eq < 0 ? "" : directive.substring(eq + 1).strip();
                switch (name) {
                    case "no-cache" -> noCache = true;
                    case "no-store" -> noStore = true;
                    case "private" -> isPrivate = true;
                    case "s-maxage" -> sMaxAge = sMaxAge.isPresent() ? sMaxAge : seconds(value);
                    case "max-age" -> maxAge = maxAge.isPresent() ? maxAge : seconds(value);
                    default -> {
                    }
                }
            }
        }
        return new CacheControl(noCache, noStore, isPrivate, sMaxAge, maxAge);
    }

    /** s-maxage when given, else max-age. */
    OptionalLong edgeMaxAge() {
        return sMaxAge.isPresent() ? sMaxAge : maxAge;
    }

    boolean forbidsStoring() {
        return noCache || noStore || isPrivate;
    }

    private static OptionalLong seconds(String value) {
        String digits = value.startsWith("\"") && value.endsWith("\"") && value.length() > 1
                ? value.substring(1, value.length() - 1) : value;
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            return OptionalLong.empty();
        }
        // Values past a long's range mean "a very long time": the policy's maxTTL clamps them anyway.
        return OptionalLong.of(digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits));
    }
}
