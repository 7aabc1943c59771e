package dev.lamina.local;

import dev.lamina.api.CodeSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Turns a function's code source into a directory a runtime runs in (the task root), the same way in both modes: a
 * ConfigMap's keys become files, a zip (from a URL checked against its sha256, or a local path) is extracted, a local
 * directory is copied. Each distinct content gets its own directory, named by its digest, so a published version's
 * code never changes under it.
 */
final class CodeStore implements AutoCloseable {

    /** Code that cannot be used, with the reason. */
    static final class CodeProblem extends Exception {
        CodeProblem(String message) {
            super(message);
        }
    }

    /**
     * Materialised code.
     *
     * @param dir      the task root
     * @param sha256   base64 SHA-256 (Lambda's CodeSha256)
     * @param size     bytes of code
     * @param location where it came from
     */
    record Code(Path dir, String sha256, long size, String location) {
    }

    private static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("rwxr-xr-x");

    private final Path root;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    CodeStore() throws IOException {
        this.root = Files.createTempDirectory("lamina-code-");
    }

    /** A directory of this store for files local mode makes itself (not code of a function). */
    Path privateDirectory(String name) throws IOException {
        return Files.createDirectories(root.resolve("." + name));
    }

    /**
     * @param source     the code source of a function (not an image)
     * @param base       the directory of the YAML file that declares it (for {@code path})
     * @param configMaps ConfigMaps of the function's namespace, by name
     */
    Code materialize(CodeSource source, Path base, Map<String, ConfigMap> configMaps) throws CodeProblem {
        try {
            if (source.configMap() != null) {
                return fromConfigMap(source.configMap(), configMaps);
            }
            if (source.url() != null) {
                return fromUrl(source.url(), source.sha256());
            }
            if (source.path() != null) {
                return fromPath(base.resolve(source.path()).normalize(), source.path());
            }
            throw new CodeProblem("code names none of configMap, url or path");
        } catch (IOException | UncheckedIOException e) {
            throw new CodeProblem("reading the code failed: " + (e.getMessage() != null ? e.getMessage() : e));
        }
    }

    /**
     * A function's layers extracted in order into one directory, its {@code /opt}: a later layer's file replaces an
     * earlier one's, as Lambda does. Named by the layers' digests in order, so a version's /opt never changes under
     * it. Returns null when there are no layers.
     */
    Code materializeOpt(List<CodeSource> layers, Path base, Map<String, ConfigMap> configMaps) throws CodeProblem {
        if (layers == null || layers.isEmpty()) {
            return null;
        }
        List<Code> extracted = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            CodeSource layer = layers.get(i);
            if (layer.image() != null) {
                throw new CodeProblem("layer " + (i + 1) + " comes from an image, which needs a container engine;"
                        + " local mode takes layers from a configMap, url or path");
            }
            try {
                extracted.add(materialize(layer, base, configMaps));
            } catch (CodeProblem problem) {
                throw new CodeProblem("layer " + (i + 1) + ": " + problem.getMessage());
            }
        }
        MessageDigest digest = sha256();
        long size = 0;
        for (Code layer : extracted) {
            digest.update(layer.sha256().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            size += layer.size();
        }
        byte[] hash = digest.digest();
        Path dir = root.resolve("opt-" + HexFormat.of().formatHex(hash));
        try {
            if (!Files.isDirectory(dir)) {
                Path staging = Files.createTempDirectory(root, "staging-");
                for (Code layer : extracted) {
                    copyOver(layer.dir(), staging);
                }
                publish(staging, dir);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new CodeProblem("extracting the layers failed: " + e.getMessage());
        }
        return new Code(dir, Base64.getEncoder().encodeToString(hash), size,
                extracted.stream().map(Code::location).toList().toString());
    }

    /** Copies a tree onto another, replacing files of the same name. */
    private static void copyOver(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /**
     * The local files code from this source consists of right now, to notice edits: the path itself when it does
     * not exist yet (code still to be built), nothing for remote code.
     */
    static List<Path> watchedFiles(CodeSource source, Path base) {
        Path local = null;
        if (source.path() != null) {
            local = base.resolve(source.path()).normalize();
        } else if (source.url() != null && source.url().startsWith("file:")) {
            local = Path.of(URI.create(source.url()));
        }
        if (local == null) {
            return List.of();
        }
        if (!Files.exists(local)) {
            return List.of(local);
        }
        if (!Files.isDirectory(local)) {
            return List.of(local);
        }
        try (Stream<Path> files = Files.walk(local)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of(local);
        }
    }

    private Code fromConfigMap(String name, Map<String, ConfigMap> configMaps) throws IOException, CodeProblem {
        ConfigMap configMap = configMaps.get(name);
        if (configMap == null) {
            throw new CodeProblem("ConfigMap " + name + " is not in the directory (same namespace)");
        }
        Map<String, byte[]> files = new TreeMap<>();
        if (configMap.getData() != null) {
            configMap.getData().forEach((k, v) -> files.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        if (configMap.getBinaryData() != null) {
            configMap.getBinaryData().forEach((k, v) -> files.put(k, Base64.getDecoder().decode(v)));
        }
        if (files.isEmpty()) {
            throw new CodeProblem("ConfigMap " + name + " has no data");
        }
        MessageDigest digest = sha256();
        long size = 0;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            digest.update(f.getKey().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(f.getValue());
            size += f.getValue().length;
        }
        byte[] hash = digest.digest();
        Path dir = root.resolve(HexFormat.of().formatHex(hash));
        if (!Files.isDirectory(dir)) {
            Path staging = Files.createTempDirectory(root, "staging-");
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path file = staging.resolve(f.getKey());
                Files.write(file, f.getValue());
                // Like a ConfigMap volume with defaultMode 0755: a bootstrap must be executable.
                Files.setPosixFilePermissions(file, EXECUTABLE);
            }
            publish(staging, dir);
        }
        return new Code(dir, Base64.getEncoder().encodeToString(hash), size, "configmap:" + name);
    }

    private Code fromUrl(String url, String expectedSha256) throws IOException, CodeProblem {
        byte[] archive;
        if (url.startsWith("file:")) {
            archive = Files.readAllBytes(Path.of(URI.create(url)));
        } else {
            try {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new CodeProblem("downloading " + url + " answered HTTP " + response.statusCode());
                }
                archive = response.body();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while downloading " + url);
            }
        }
        byte[] hash = sha256().digest(archive);
        String actual = HexFormat.of().formatHex(hash);
        if (!actual.equalsIgnoreCase(expectedSha256)) {
            throw new CodeProblem("the archive at " + url + " has sha256 " + actual + ", not " + expectedSha256
                    + " as the spec says");
        }
        return new Code(extract(archive, hash), Base64.getEncoder().encodeToString(hash), archive.length, url);
    }

    private Code fromPath(Path path, String asWritten) throws IOException, CodeProblem {
        if (Files.isRegularFile(path)) {
            byte[] archive = Files.readAllBytes(path);
            byte[] hash = sha256().digest(archive);
            return new Code(extract(archive, hash), Base64.getEncoder().encodeToString(hash), archive.length,
                    path.toString());
        }
        if (!Files.isDirectory(path)) {
            throw new CodeProblem("code path " + asWritten + " (" + path + ") does not exist"
                    + (path.toString().contains("target") ? "; build it first (./mvnw package)" : ""));
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        MessageDigest digest = sha256();
        long size = 0;
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            digest.update(path.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) (Files.isExecutable(file) ? 1 : 0));
            digest.update(content);
            size += content.length;
        }
        byte[] hash = digest.digest();
        Path dir = root.resolve(HexFormat.of().formatHex(hash));
        if (!Files.isDirectory(dir)) {
            Path staging = Files.createTempDirectory(root, "staging-");
            for (Path file : files) {
                Path target = staging.resolve(path.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
            publish(staging, dir);
        }
        return new Code(dir, Base64.getEncoder().encodeToString(hash), size, path.toString());
    }

    /** Extracts a zip archive keeping the files' POSIX permissions (a bootstrap stays executable). */
    private Path extract(byte[] archive, byte[] hash) throws IOException, CodeProblem {
        Path dir = root.resolve(HexFormat.of().formatHex(hash));
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path zip = Files.createTempFile(root, "archive-", ".zip");
        Path staging = Files.createTempDirectory(root, "staging-");
        try {
            Files.write(zip, archive);
            try (FileSystem fs = FileSystems.newFileSystem(zip, Map.of("enablePosixFileAttributes", "true"))) {
                Path top = fs.getPath("/");
                List<Path> entries;
                try (Stream<Path> walk = Files.walk(top)) {
                    entries = walk.toList();
                }
                for (Path entry : entries) {
                    Path target = staging.resolve(top.relativize(entry).toString()).normalize();
                    if (!target.startsWith(staging)) {
                        throw new CodeProblem("the archive has an entry outside its root: " + entry);
                    }
                    if (Files.isDirectory(entry)) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        try (InputStream in = Files.newInputStream(entry)) {
                            Files.copy(in, target);
                        }
                        Set<PosixFilePermission> permissions = permissionsOf(entry);
                        if (permissions != null && !permissions.isEmpty()) {
                            permissions.add(PosixFilePermission.OWNER_READ);
                            Files.setPosixFilePermissions(target, permissions);
                        }
                    }
                }
            } catch (java.util.zip.ZipException | java.nio.file.ProviderNotFoundException e) {
                throw new CodeProblem("the code is not a zip archive: " + e.getMessage());
            }
            publish(staging, dir);
            return dir;
        } finally {
            Files.deleteIfExists(zip);
            if (Files.exists(staging)) {
                deleteTree(staging);
            }
        }
    }

    private static Set<PosixFilePermission> permissionsOf(Path entry) {
        try {
            return new java.util.HashSet<>(Files.getPosixFilePermissions(entry));
        } catch (UnsupportedOperationException | IOException e) {
            return null;
        }
    }

    /** Moves a fully written staging directory to its final name; a concurrent twin wins harmlessly. */
    private static void publish(Path staging, Path dir) throws IOException {
        try {
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
            deleteTree(staging);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(walk.toList());
            all.sort(Comparator.reverseOrder());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() throws IOException {
        deleteTree(root);
    }
}
