package dev.lamina.async;

import dev.lamina.shim.ShimContract;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@code X-Amzn-Trace-Id} header and the recursion lineage it carries.
 *
 * <p>Like Lambda's recursive loop detection, the chain of asynchronous invocations is counted in the trace header's
 * {@code Lineage} field: {@code Lineage=<function hash>:<count>|<function hash>:<count>…}, one counter per function.
 * The gateway hands the header to the function (as {@code Lambda-Runtime-Trace-Id}); the runtime client exposes it
 * and AWS SDKs send it back on the function's own calls, so a function invoking itself through the gateway carries
 * the count forward. Destinations that invoke a function carry it too.
 */
public final class TraceHeader {

    /** Invocations of one function in one chain after which Lamina stops the chain, as Lambda does. */
    public static final int MAX_RECURSION = 16;

    private static final String LINEAGE = "Lineage";
    private final Map<String, String> fields;

    private TraceHeader(Map<String, String> fields) {
        this.fields = fields;
    }

    /** Parses a header; a missing or empty one starts a new trace. */
    public static TraceHeader parse(String header) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (header != null) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    fields.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
                }
            }
        }
        if (!fields.containsKey("Root")) {
            Map<String, String> withRoot = new LinkedHashMap<>();
            withRoot.put("Root", ShimContract.newTraceRoot());
            withRoot.putAll(fields);
            withRoot.putIfAbsent("Sampled", "0");
            fields = withRoot;
        }
        return new TraceHeader(fields);
    }

    /** How often {@code function} was invoked earlier in this chain. */
    public int count(FunctionRef function) {
        return lineage().getOrDefault(key(function), 0);
    }

    /** This header with one more invocation of {@code function} counted. */
    public TraceHeader counting(FunctionRef function) {
        Map<String, Integer> lineage = lineage();
        lineage.merge(key(function), 1, Integer::sum);
        StringBuilder value = new StringBuilder();
        lineage.forEach((hash, count) -> value.append(value.isEmpty() ? "" : "|").append(hash).append(':').append(count));
        Map<String, String> updated = new LinkedHashMap<>(fields);
        updated.put(LINEAGE, value.toString());
        return new TraceHeader(updated);
    }

    private Map<String, Integer> lineage() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        String value = fields.get(LINEAGE);
        if (value != null) {
            for (String entry : value.split("\\|")) {
                int colon = entry.lastIndexOf(':');
                if (colon > 0) {
                    try {
                        counts.put(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1)));
                    } catch (NumberFormatException ignored) {
                        // a malformed entry from a client counts as absent
                    }
                }
            }
        }
        return counts;
    }

    /** Functions are told apart by namespace and name: all versions and aliases of a function are one function. */
    private static String key(FunctionRef function) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((function.namespace() + "/" + function.name()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        StringBuilder header = new StringBuilder();
        fields.forEach((k, v) -> header.append(header.isEmpty() ? "" : ";").append(k).append('=').append(v));
        return header.toString();
    }
}
