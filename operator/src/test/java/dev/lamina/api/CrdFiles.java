package dev.lamina.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** CRD files on disk, and the check that they are exactly what the model generates. */
final class CrdFiles {

    private static final String SUFFIX = ".lamina.dev-v1.yml";

    private CrdFiles() {
    }

    /** Asserts {@code directory} holds exactly the {@code expected} Lamina CRD files, byte for byte. */
    static void assertSame(Map<String, String> expected, Path directory, String generatedBy) {
        String stale = Repository.ROOT.relativize(directory) + "/ is stale: it is not what " + generatedBy
                + " generates from the model. Regenerate it with `" + Repository.REGENERATE_CRDS
                + "` and commit the result.";
        assertThat(read(directory).keySet()).as(stale).containsExactlyElementsOf(expected.keySet());
        expected.forEach((name, text) ->
                assertThat(Repository.read(directory.resolve(name))).as(name + ": " + stale).isEqualTo(text));
    }

    /** File name → text of the Lamina CRDs in a directory (target/kubernetes also holds other manifests). */
    static Map<String, String> read(Path directory) {
        Map<String, String> files = new TreeMap<>();
        if (Files.isDirectory(directory)) {
            for (Path file : list(directory)) {
                if (file.getFileName().toString().endsWith(SUFFIX)) {
                    files.put(file.getFileName().toString(), Repository.read(file));
                }
            }
        }
        return files;
    }

    private static List<Path> list(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
