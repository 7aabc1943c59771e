package dev.lamina.scaling;

/**
 * One limit that gateways share: a function's reserved concurrency, or ({@code function} null) what an account's
 * limit leaves to functions without a reservation.
 */
public record ShareKey(String namespace, String function) {

    public static ShareKey reserved(String namespace, String function) {
        return new ShareKey(namespace, function);
    }

    public static ShareKey unreserved(String namespace) {
        return new ShareKey(namespace, null);
    }

    /** {@code namespace/function}, or the namespace alone for the unreserved pool (names never hold a slash). */
    @Override
    public String toString() {
        return function == null ? namespace : namespace + "/" + function;
    }

    public static ShareKey parse(String text) {
        int slash = text.indexOf('/');
        return slash < 0 ? unreserved(text) : reserved(text.substring(0, slash), text.substring(slash + 1));
    }
}
