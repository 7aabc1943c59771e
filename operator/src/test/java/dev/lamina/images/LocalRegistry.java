package dev.lamina.images;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A real registry (Debian's {@code docker-registry}, the CNCF distribution registry) on loopback with its storage in a
 * temporary directory, and a client that pushes tiny images to it by the registry API's uploads.
 */
public final class LocalRegistry implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final String address;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CALL_TIMEOUT).build();

    private LocalRegistry(Process process, String address) {
        this.process = process;
        this.address = address;
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** Starts a registry storing into {@code directory} and waits until its API answers. */
    public static LocalRegistry start(Path directory) throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String address = "127.0.0.1:" + port;
        Path config = directory.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: %s
                """.formatted(directory.resolve("storage"), address));
        Process process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("registry.log").toFile())
                .start();
        LocalRegistry registry = new LocalRegistry(process, address);
        Instant deadline = Instant.now().plusSeconds(20);
        while (true) {
            try {
                if (registry.call(HttpRequest.newBuilder(registry.uri("/v2/")).GET()).statusCode() == 200) {
                    return registry;
                }
            } catch (IOException notYet) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    registry.close();
                    throw new IOException("docker-registry did not start: "
                            + Files.readString(directory.resolve("registry.log")), notYet);
                }
            }
            Thread.sleep(50);
        }
    }

    /** host:port, as an image reference names the registry. */
    public String address() {
        return address;
    }

    /**
     * Pushes an image of one layer whose config says {@code label} (so each label is another manifest) as
     * {@code repository:tag}; returns the manifest's digest.
     */
    public String push(String repository, String tag, String label) throws IOException, InterruptedException {
        byte[] layer = ("layer of " + label).getBytes(StandardCharsets.UTF_8);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"label\":\""
                + label + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + digest(layer) + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        upload(repository, config);
        upload(repository, layer);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + digest(config) + "\",\"size\":" + config.length + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
                + digest(layer) + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> put = call(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + tag))
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
        if (put.statusCode() != 201) {
            throw new IOException("manifest refused: " + put.statusCode() + " " + put.body());
        }
        return digest(manifest);
    }

    /** A monolithic blob upload: POST for an upload location, then PUT of the content with its digest. */
    private void upload(String repository, byte[] blob) throws IOException, InterruptedException {
        HttpResponse<String> started = call(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        if (started.statusCode() != 202) {
            throw new IOException("upload refused: " + started.statusCode() + " " + started.body());
        }
        String location = started.headers().firstValue("Location").orElseThrow();
        URI target = URI.create("http://" + address).resolve(location);
        String separator = target.getQuery() == null ? "?" : "&";
        HttpResponse<String> put = call(HttpRequest.newBuilder(URI.create(target + separator + "digest=" + digest(blob)))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));
        if (put.statusCode() != 201) {
            throw new IOException("blob refused: " + put.statusCode() + " " + put.body());
        }
    }

    private HttpResponse<String> call(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(CALL_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://" + address + path);
    }

    static String digest(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
