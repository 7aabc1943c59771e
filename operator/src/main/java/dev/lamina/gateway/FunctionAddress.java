package dev.lamina.gateway;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a caller names a function: a name, a partial ARN ({@code ACCOUNT:function:NAME}) or a full ARN, each optionally
 * with {@code :QUALIFIER}, plus an optional separate {@code Qualifier}. Both qualifiers must agree when both are given.
 *
 * @param account   the account in an ARN, or null
 * @param name      the function name
 * @param qualifier a version number, {@code $LATEST} or an alias name; null when none was given
 */
public record FunctionAddress(String account, String name, String qualifier) {

    private static final String NAME = "([a-zA-Z0-9_-]{1,64})";
    private static final String QUALIFIER = "(?::(\\$LATEST|[a-zA-Z0-9_-]{1,128}))?";
    private static final Pattern FULL_ARN = Pattern.compile(
            "arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\\d{12}):function:" + NAME + QUALIFIER);
    private static final Pattern PARTIAL_ARN = Pattern.compile("(\\d{12}):function:" + NAME + QUALIFIER);
    private static final Pattern PLAIN = Pattern.compile(NAME + QUALIFIER);
    private static final Pattern QUALIFIER_ALONE = Pattern.compile("\\$LATEST|[a-zA-Z0-9_-]{1,128}");

    /** Thrown for a name or qualifier Lambda would reject as invalid. */
    public static final class InvalidAddress extends Exception {
        public InvalidAddress(String message) {
            super(message, null, false, false);
        }
    }

    public static FunctionAddress parse(String functionName, String qualifierParameter) throws InvalidAddress {
        if (functionName == null || functionName.isEmpty()) {
            throw new InvalidAddress("FunctionName is required.");
        }
        // The common cases, NAME and NAME:QUALIFIER, without regular expressions.
        int colon = functionName.indexOf(':');
        if (qualifierParameter == null && colon < 0 && isToken(functionName, 64)) {
            return new FunctionAddress(null, functionName, null);
        }
        if (qualifierParameter == null && colon > 0 && functionName.indexOf(':', colon + 1) < 0) {
            String name = functionName.substring(0, colon);
            String qualifier = functionName.substring(colon + 1);
            if (isToken(name, 64) && (qualifier.equals("$LATEST") || isToken(qualifier, 128))) {
                return new FunctionAddress(null, name, qualifier);
            }
        }
        String account = null;
        String name;
        String qualifier;
        Matcher m;
        if ((m = FULL_ARN.matcher(functionName)).matches()) {
            account = m.group(2);
            name = m.group(3);
            qualifier = m.group(4);
        } else if ((m = PARTIAL_ARN.matcher(functionName)).matches()) {
            account = m.group(1);
            name = m.group(2);
            qualifier = m.group(3);
        } else if ((m = PLAIN.matcher(functionName)).matches()) {
            name = m.group(1);
            qualifier = m.group(2);
        } else {
            throw new InvalidAddress("1 validation error detected: Value '" + functionName
                    + "' at 'functionName' failed to satisfy constraint: Member must be a function name, a partial"
                    + " ARN (ACCOUNT:function:NAME) or a full ARN, optionally followed by :QUALIFIER");
        }
        if (qualifierParameter != null && !qualifierParameter.isEmpty()) {
            if (!QUALIFIER_ALONE.matcher(qualifierParameter).matches()) {
                throw new InvalidAddress("1 validation error detected: Value '" + qualifierParameter
                        + "' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression"
                        + " pattern: (|[a-zA-Z0-9$_-]+)");
            }
            if (qualifier != null && !qualifier.equals(qualifierParameter)) {
                throw new InvalidAddress("The derived qualifier from the function name does not match the specified"
                        + " qualifier.");
            }
            qualifier = qualifierParameter;
        }
        return new FunctionAddress(account, name, qualifier);
    }

    /** 1 to {@code max} of [a-zA-Z0-9_-]. */
    private static boolean isToken(String s, int max) {
        if (s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
