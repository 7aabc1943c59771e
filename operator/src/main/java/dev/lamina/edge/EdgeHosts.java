package dev.lamina.edge;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a distribution is reached, one rule for status, local mode and the door. Its id ({@code E} and 13 upper-case
 * letters and digits, as CloudFront's) and its domain prefix ({@code d} and 13 lower-case ones) derive from namespace
 * and name, so every replica and both modes agree with no state. Two forms reach it: host-based,
 * {@code <prefix>.edge.<domain>} (as {@code <prefix>.cloudfront.net}), and path-based, {@code <gateway>/edge/<id>/};
 * a distribution's {@code aliases} are hosts too. Hooks see the same {@code uri} either way.
 */
public final class EdgeHosts {

    /** The path prefix of path-based distributions. */
    public static final String PATH_PREFIX = "/edge/";

    private static final String HOST_INFIX = ".edge.";
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private EdgeHosts() {
    }

    /** The distribution's id, e.g. {@code E2QWRUHAPOMQZL}. */
    public static String id(String namespace, String name) {
        return "E" + base32(namespace + "/" + name);
    }

    /** The distribution's domain prefix, e.g. {@code d2qwruhapomqzl}: its id in lower case with d for E. */
    public static String domainPrefix(String id) {
        return "d" + id.substring(1).toLowerCase(Locale.ROOT);
    }

    /** {@code <prefix>.edge.<domain>}. */
    public static String domainName(String id, String domain) {
        return domainPrefix(id) + HOST_INFIX + domain;
    }

    /** The URL users are given: host-based when the gateway has a URL domain, else path-based. */
    public static String address(String gatewayBase, Optional<String> domain, String id) {
        if (domain.isPresent()) {
            URI base = URI.create(gatewayBase);
            String scheme = base.getScheme() == null ? "http" : base.getScheme();
            return scheme + "://" + domainName(id, domain.get()) + (base.getPort() < 0 ? "" : ":" + base.getPort())
                    + "/";
        }
        String base = gatewayBase.endsWith("/") ? gatewayBase.substring(0, gatewayBase.length() - 1) : gatewayBase;
        return base + PATH_PREFIX + id + "/";
    }

    /** The distribution id a Host header names ({@code d…​.edge.<anything>}), whatever the domain. */
    public static Optional<String> idFromHost(String host) {
        if (host == null) {
            return Optional.empty();
        }
        int infix = host.indexOf(HOST_INFIX);
        if (infix != 14 || host.charAt(0) != 'd' && host.charAt(0) != 'D') {
            return Optional.empty();
        }
        return Optional.of("E" + host.substring(1, infix).toUpperCase(Locale.ROOT));
    }

    private static String base32(String text) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        StringBuilder out = new StringBuilder(13);
        long bits = 0;
        int count = 0;
        for (int i = 0; out.length() < 13; i++) {
            bits = bits << 8 | (digest[i] & 0xff);
            count += 8;
            while (count >= 5 && out.length() < 13) {
                out.append(ALPHABET[(int) (bits >>> (count - 5)) & 31]);
                count -= 5;
            }
        }
        return out.toString();
    }
}
