package dev.lamina.urls;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a Function URL is reached, one rule for the status, local mode, the control plane API and the door.
 *
 * <p>A URL's id is 32 lower-case hex characters derived from the namespace, the function and the alias, so it is
 * stable for as long as the URL's target exists, the same in both modes and on every gateway replica, with no state
 * to keep. Two forms reach it: host-based, {@code <scheme>://<id>.lambda-url.<domain>[:port]/}, as AWS's
 * {@code <id>.lambda-url.<region>.on.aws}, for gateways behind wildcard DNS; and path-based,
 * {@code <gateway>/lambda-url/<id>/}, for everywhere else. The function sees the same {@code rawPath} either way.
 */
public final class FunctionUrls {

    /** The path prefix of path-based Function URLs. */
    public static final String PATH_PREFIX = "/lambda-url/";

    private static final Pattern HOST = Pattern.compile("^([0-9a-f]{32})\\.lambda-url\\.", Pattern.CASE_INSENSITIVE);

    private FunctionUrls() {
    }

    /** The id of the URL of a function's {@code $LATEST} ({@code alias} null) or of one of its aliases. */
    public static String id(String namespace, String function, String alias) {
        String target = namespace + "/" + function + (alias == null ? "" : ":" + alias);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(target.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The URL users are given: host-based when the gateway has a URL domain, else path-based. */
    public static String address(String gatewayBase, Optional<String> domain, String id) {
        return domain.map(d -> hostBased(gatewayBase, d, id)).orElseGet(() -> pathBased(gatewayBase, id));
    }

    /** {@code <gateway>/lambda-url/<id>/}. */
    public static String pathBased(String gatewayBase, String id) {
        String base = gatewayBase.endsWith("/") ? gatewayBase.substring(0, gatewayBase.length() - 1) : gatewayBase;
        return base + PATH_PREFIX + id + "/";
    }

    /** {@code <scheme>://<id>.lambda-url.<domain>[:port]/}, with the scheme and port of the gateway's URL. */
    public static String hostBased(String gatewayBase, String domain, String id) {
        URI base = URI.create(gatewayBase);
        String scheme = base.getScheme() == null ? "http" : base.getScheme();
        return scheme + "://" + id + ".lambda-url." + domain + (base.getPort() < 0 ? "" : ":" + base.getPort()) + "/";
    }

    /** The id a Host header names ({@code <id>.lambda-url.<anything>}), whatever the domain it was reached by. */
    public static Optional<String> idFromHost(String host) {
        // Every request's Host is asked: most name no Function URL, and this spares them the pattern.
        if (host == null || !host.contains(".lambda-url.")) {
            return Optional.empty();
        }
        Matcher matcher = HOST.matcher(host);
        return matcher.find() ? Optional.of(matcher.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }
}
