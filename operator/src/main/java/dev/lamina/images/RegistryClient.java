package dev.lamina.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks registries which manifest a tag names, by the OCI distribution API: {@code HEAD /v2/<name>/manifests/<tag>}
 * and its {@code Docker-Content-Digest} header (or the digest of the manifest itself where a registry leaves the
 * header out). A registry that answers 401 with a Bearer challenge is asked for an anonymous pull token first, as
 * Docker Hub and most public registries want. Loopback and configured insecure registries are spoken to over HTTP.
 */
public final class RegistryClient {
    /** Every manifest kind a tag may name: OCI index and manifest, Docker's manifest list and manifest. */
    static final String MANIFEST_TYPES = String.join(", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Pattern CHALLENGE_PARAMETER = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistrySettings settings;
    private final HttpClient http;

    public RegistryClient(RegistrySettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** The digest of each reference's tag, asked of the registries at once (one virtual thread each). */
    public Map<String, DigestLookup> digests(Collection<String> references) {
        Map<String, Future<DigestLookup>> pending = new LinkedHashMap<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String reference : references) {
                pending.putIfAbsent(reference, threads.submit(() -> digest(ImageReference.parse(reference))));
            }
        }
        Map<String, DigestLookup> lookups = new LinkedHashMap<>();
        pending.forEach((reference, lookup) -> {
            try {
                lookups.put(reference, lookup.get());
            } catch (ExecutionException | InterruptedException e) {
                lookups.put(reference, new DigestLookup.Failed("lookup failed: " + e));
            }
        });
        return lookups;
    }

    /** The digest of the manifest the reference's tag names now. */
    public DigestLookup digest(ImageReference image) {
        URI manifest = URI.create(base(image) + "/v2/" + image.repository() + "/manifests/" + image.tag());
        try {
            HttpResponse<byte[]> answer = send(manifest, "HEAD", Optional.empty());
            if (answer.statusCode() == 401) {
                Optional<String> token = token(image, answer);
                if (token.isEmpty()) {
                    return new DigestLookup.Failed("registry " + image.registry() + " asks for credentials");
                }
                answer = send(manifest, "HEAD", token);
            }
            if (answer.statusCode() == 200) {
                Optional<String> header = answer.headers().firstValue("Docker-Content-Digest");
                if (header.isPresent()) {
                    return new DigestLookup.Found(header.get());
                }
                HttpResponse<byte[]> body = send(manifest, "GET", Optional.empty());
                if (body.statusCode() == 200) {
                    return new DigestLookup.Found("sha256:" + sha256(body.body()));
                }
                answer = body;
            }
            return new DigestLookup.Failed("registry " + image.registry() + " answered HTTP " + answer.statusCode()
                    + (answer.statusCode() == 404 ? " (no such repository or tag)" : ""));
        } catch (HttpTimeoutException e) {
            return new DigestLookup.Failed("registry " + image.registry() + " did not answer within "
                    + settings.timeout().toMillis() + " ms");
        } catch (IOException e) {
            return new DigestLookup.Failed("registry " + image.registry() + " could not be reached: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DigestLookup.Failed("interrupted while asking registry " + image.registry());
        }
    }

    /** An anonymous pull token from the realm a Bearer challenge names, if the registry gives one. */
    private Optional<String> token(ImageReference image, HttpResponse<?> challenged)
            throws IOException, InterruptedException {
        String challenge = challenged.headers().firstValue("WWW-Authenticate").orElse("");
        if (!challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        Matcher matcher = CHALLENGE_PARAMETER.matcher(challenge);
        while (matcher.find()) {
            parameters.put(matcher.group(1).toLowerCase(), matcher.group(2));
        }
        String realm = parameters.get("realm");
        if (realm == null) {
            return Optional.empty();
        }
        StringBuilder query = new StringBuilder();
        if (parameters.containsKey("service")) {
            query.append("service=").append(encode(parameters.get("service")));
        }
        String scope = parameters.getOrDefault("scope", "repository:" + image.repository() + ":pull");
        query.append(query.isEmpty() ? "" : "&").append("scope=").append(encode(scope));
        HttpResponse<byte[]> answer = send(URI.create(realm + (realm.contains("?") ? "&" : "?") + query), "GET",
                Optional.empty());
        if (answer.statusCode() != 200) {
            return Optional.empty();
        }
        JsonNode body = JSON.readTree(answer.body());
        JsonNode token = body.hasNonNull("token") ? body.get("token") : body.get("access_token");
        return token == null || !token.isTextual() ? Optional.empty() : Optional.of(token.asText());
    }

    private HttpResponse<byte[]> send(URI uri, String method, Optional<String> token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(settings.timeout())
                .header("Accept", MANIFEST_TYPES)
                .method(method, HttpRequest.BodyPublishers.noBody());
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private String base(ImageReference image) {
        boolean plain = settings.insecureRegistries().contains(image.registry()) || loopback(image.host());
        return (plain ? "http://" : "https://") + image.registry();
    }

    private static boolean loopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.startsWith("[") && !IPV4.matcher(host).matches()) {
            return false;
        }
        try {
            // A literal address: parsed, never looked up.
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
