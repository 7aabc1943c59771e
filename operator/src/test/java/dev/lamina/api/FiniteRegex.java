package dev.lamina.api;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Every string a finite regular expression matches, for the expressions CRD patterns of enumerations use: literals,
 * escapes, groups, alternation, {@code ?}, character classes of single characters and ranges, and the anchors.
 * Anything else (a repetition) is refused, as it would match unboundedly many strings.
 */
final class FiniteRegex {
    private final String regex;
    private int at;

    private FiniteRegex(String regex) {
        this.regex = regex;
    }

    static Set<String> expand(String regex) {
        FiniteRegex parser = new FiniteRegex(regex);
        Set<String> strings = parser.alternation();
        if (parser.at != regex.length()) {
            throw new IllegalArgumentException("unexpected '" + regex.charAt(parser.at) + "' at " + parser.at
                    + " in " + regex);
        }
        return strings;
    }

    private Set<String> alternation() {
        Set<String> strings = new LinkedHashSet<>(sequence());
        while (at < regex.length() && regex.charAt(at) == '|') {
            at++;
            strings.addAll(sequence());
        }
        return strings;
    }

    private Set<String> sequence() {
        Set<String> strings = Set.of("");
        while (at < regex.length() && regex.charAt(at) != '|' && regex.charAt(at) != ')') {
            Set<String> atom = atom();
            if (at < regex.length() && regex.charAt(at) == '?') {
                at++;
                atom = new LinkedHashSet<>(atom);
                atom.add("");
            }
            if (at < regex.length() && "*+{".indexOf(regex.charAt(at)) >= 0) {
                throw new IllegalArgumentException("not a finite expression: " + regex);
            }
            Set<String> joined = new LinkedHashSet<>();
            for (String head : strings) {
                for (String tail : atom) {
                    joined.add(head + tail);
                }
            }
            strings = joined;
        }
        return strings;
    }

    private Set<String> atom() {
        char c = regex.charAt(at++);
        return switch (c) {
            case '^', '$' -> Set.of("");
            case '\\' -> Set.of(String.valueOf(regex.charAt(at++)));
            case '(' -> {
                Set<String> inner = alternation();
                expect(')');
                yield inner;
            }
            case '[' -> characterClass();
            case '.', '*', '+', '{' -> throw new IllegalArgumentException("not a finite expression: " + regex);
            default -> Set.of(String.valueOf(c));
        };
    }

    private Set<String> characterClass() {
        Set<String> characters = new LinkedHashSet<>();
        while (regex.charAt(at) != ']') {
            char first = regex.charAt(at++);
            char last = first;
            if (regex.charAt(at) == '-' && regex.charAt(at + 1) != ']') {
                last = regex.charAt(at + 1);
                at += 2;
            }
            for (char c = first; c <= last; c++) {
                characters.add(String.valueOf(c));
            }
        }
        at++;
        return characters;
    }

    private void expect(char c) {
        if (at >= regex.length() || regex.charAt(at) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + at + " in " + regex);
        }
        at++;
    }
}
