package dev.lamina.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Files of this repository the model tests read: CRDs, examples, test cases. */
final class Repository {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The command that rewrites crds/ and the chart's copy from the model; named by every drift failure. */
    static final String REGENERATE_CRDS = "./mvnw -B -pl operator -am package -DskipTests -Pupdate-crds";

    static final Path ROOT = findRoot();

    private Repository() {
    }

    static Path crds() {
        return ROOT.resolve("crds");
    }

    static Path chartCrds() {
        return ROOT.resolve("charts/lamina/crds");
    }

    static Path examples() {
        return ROOT.resolve("examples");
    }

    /** Every *.yaml / *.yml file under a directory, sorted, so tests are listed in a stable order. */
    static List<Path> yamlFiles(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The documents of a (multi-document) YAML file; empty documents are skipped. */
    static List<JsonNode> documents(Path file) {
        try (var parser = YAML.createParser(file.toFile())) {
            return YAML.readValues(parser, JsonNode.class).readAll().stream()
                    .filter(document -> document != null && !document.isNull() && !document.isMissingNode())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path findRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("operator"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run the tests inside the Lamina repository");
    }
}
