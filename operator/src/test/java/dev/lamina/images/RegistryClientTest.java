package dev.lamina.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistryClientTest {
    private static final RegistrySettings SETTINGS = new RegistrySettings(true, Duration.ofSeconds(5), Set.of());

    @Test
    void aTagResolvesToTheDigestOfTheManifestItNamesNow(@TempDir Path dir) throws Exception {
        assumeTrue(LocalRegistry.installed(), "docker-registry is not installed (Debian package docker-registry)");
        try (LocalRegistry registry = LocalRegistry.start(dir)) {
            RegistryClient client = new RegistryClient(SETTINGS);
            String first = registry.push("team/fn", "v1", "first");
            String tagged = registry.address() + "/team/fn:v1";
            assertThat(client.digests(List.of(tagged))).containsExactly(Map.entry(tagged,
                    new DigestLookup.Found(first)));

            String second = registry.push("team/fn", "v1", "second");
            assertThat(second).isNotEqualTo(first);
            assertThat(client.digest(ImageReference.parse(tagged))).isEqualTo(new DigestLookup.Found(second));

            assertThat(client.digest(ImageReference.parse(registry.address() + "/team/fn:missing")))
                    .isEqualTo(new DigestLookup.Failed("registry " + registry.address()
                            + " answered HTTP 404 (no such repository or tag)"));
        }
    }

    @Test
    void aRegistryNobodyListensOnIsReportedUnreachable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        DigestLookup lookup = new RegistryClient(SETTINGS).digest(ImageReference.parse("127.0.0.1:" + port + "/fn:v1"));
        assertThat(lookup).isInstanceOfSatisfying(DigestLookup.Failed.class, failed -> assertThat(failed.reason())
                .startsWith("registry 127.0.0.1:" + port + " could not be reached: java.net.ConnectException"));
    }

    /**
     * Docker Hub's way, which docker-registry cannot play without a token server of its own: 401 with a Bearer
     * challenge, an anonymous token from the realm for the challenge's service and scope, the request again with it.
     */
    @Test
    void aBearerChallengeIsAnsweredWithAnAnonymousToken() throws IOException {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String realm = "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
        server.createContext("/v2/library/alpine/manifests/3.22", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Authorization")
                    + " " + exchange.getRequestHeaders().getFirst("Accept"));
            if ("Bearer anonymous-pull".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("Docker-Content-Digest", "sha256:" + "ab".repeat(32));
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + realm
                        + "\",service=\"registry.test\",scope=\"repository:library/alpine:pull\"");
                exchange.sendResponseHeaders(401, -1);
            }
            exchange.close();
        });
        server.createContext("/token", exchange -> {
            seen.add("token " + exchange.getRequestURI().getRawQuery());
            byte[] body = "{\"token\":\"anonymous-pull\",\"expires_in\":300}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            // A Docker Hub name (library/ added) served by the loopback server, as if it were the registry.
            ImageReference hub = ImageReference.parse("alpine:3.22");
            ImageReference here = new ImageReference("alpine:3.22", "alpine",
                    "127.0.0.1:" + server.getAddress().getPort(), hub.repository(), hub.tag(), Optional.empty());
            assertThat(new RegistryClient(SETTINGS).digest(here))
                    .isEqualTo(new DigestLookup.Found("sha256:" + "ab".repeat(32)));
            assertThat(seen).containsExactly(
                    "HEAD null " + RegistryClient.MANIFEST_TYPES,
                    "token service=registry.test&scope=repository%3Alibrary%2Falpine%3Apull",
                    "HEAD Bearer anonymous-pull " + RegistryClient.MANIFEST_TYPES);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void referencesAreReadAsDockerReadsThem() {
        assertThat(ImageReference.parse("alpine")).isEqualTo(new ImageReference("alpine", "alpine",
                "registry-1.docker.io", "library/alpine", "latest", Optional.empty()));
        assertThat(ImageReference.parse("docker.io/amazon/aws-lambda-java:21")).satisfies(r -> {
            assertThat(r.registry()).isEqualTo("registry-1.docker.io");
            assertThat(r.repository()).isEqualTo("amazon/aws-lambda-java");
            assertThat(r.tag()).isEqualTo("21");
        });
        assertThat(ImageReference.parse("public.ecr.aws/lambda/python:3.13")).satisfies(r -> {
            assertThat(r.registry()).isEqualTo("public.ecr.aws");
            assertThat(r.repository()).isEqualTo("lambda/python");
            assertThat(r.pinned("sha256:00")).isEqualTo("public.ecr.aws/lambda/python@sha256:00");
        });
        assertThat(ImageReference.parse("localhost:5000/fn@sha256:12")).satisfies(r -> {
            assertThat(r.registry()).isEqualTo("localhost:5000");
            assertThat(r.repository()).isEqualTo("fn");
            assertThat(r.digest()).contains("sha256:12");
        });
    }
}
