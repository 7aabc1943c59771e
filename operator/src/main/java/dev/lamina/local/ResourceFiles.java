package dev.lamina.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lamina.api.Alias;
import dev.lamina.api.CrdValidator;
import dev.lamina.api.Distribution;
import dev.lamina.api.EventSourceMapping;
import dev.lamina.api.Function;
import dev.lamina.api.FunctionVersion;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the resource YAML of a directory and its subdirectories ({@code kubectl apply -R} style): multi-document
 * files, Lamina kinds, ConfigMaps and Secrets. A Lamina resource is checked against its CRD as the API server checks
 * a {@code kubectl apply} of it (OpenAPI schema, strict about unknown fields, and CEL rules) and refused with the
 * same message. Build output and hidden directories are skipped.
 */
final class ResourceFiles {

    private static final String LAMINA_API = Function.GROUP + "/" + Function.VERSION;
    private static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One resource and the file it came from. */
    record Document(Path file, HasMetadata resource) {
    }

    /** Something in a file that could not be used, or is not used locally. */
    record Problem(Path file, String message, boolean fatal) {
    }

    /**
     * @param unused resources of kinds local mode has no use for (a ServiceAccount, say), in words: they matter in a
     *               cluster only
     */
    record Contents(List<Document> documents, List<Problem> problems, List<String> unused) {
    }

    private ResourceFiles() {
    }

    /** The YAML files under {@code dir}, in a stable order. */
    static List<Path> yamlFiles(Path dir) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    String name = d.getFileName() == null ? "" : d.getFileName().toString();
                    boolean skip = !d.equals(dir) && (name.startsWith(".") || name.equals("target")
                            || name.equals("node_modules"));
                    return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    String name = f.getFileName().toString();
                    if (attrs.isRegularFile() && (name.endsWith(".yaml") || name.endsWith(".yml"))) {
                        files.add(f);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(null);
        return files;
    }

    static Contents read(Path dir) {
        List<Document> documents = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        List<String> unused = new ArrayList<>();
        for (Path file : yamlFiles(dir)) {
            readFile(file, documents, problems, unused);
        }
        return new Contents(documents, problems, unused);
    }

    private static void readFile(Path file, List<Document> documents, List<Problem> problems, List<String> unused) {
        List<JsonNode> nodes = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (docs.hasNextValue()) {
                JsonNode node = docs.nextValue();
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    nodes.add(node);
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add(new Problem(file, "not valid YAML: " + firstLine(e.getMessage()), true));
            return;
        }
        for (JsonNode node : nodes) {
            String apiVersion = node.path("apiVersion").asText("");
            String kind = node.path("kind").asText("");
            String name = node.path("metadata").path("name").asText("");
            Class<? extends HasMetadata> type = switch (apiVersion + " " + kind) {
                case LAMINA_API + " Function" -> Function.class;
                case LAMINA_API + " Alias" -> Alias.class;
                case LAMINA_API + " FunctionVersion" -> FunctionVersion.class;
                case LAMINA_API + " EventSourceMapping" -> EventSourceMapping.class;
                case LAMINA_API + " Distribution" -> Distribution.class;
                case "v1 ConfigMap" -> ConfigMap.class;
                case "v1 Secret" -> Secret.class;
                default -> null;
            };
            if (type == null) {
                if (apiVersion.startsWith(Function.GROUP + "/")) {
                    problems.add(new Problem(file, kind + " " + name + " (" + apiVersion
                            + ") is not a Lamina kind; ignored", false));
                } else if (!apiVersion.isEmpty() && !kind.isEmpty()) {
                    unused.add(kind + " " + name + " (" + file.getFileName() + ")");
                }
                continue;
            }
            if (name.isEmpty()) {
                problems.add(new Problem(file, kind + " without metadata.name", true));
                continue;
            }
            List<String> refused = apiVersion.equals(LAMINA_API) ? CrdValidator.forKind(type).validate(node) : List.of();
            if (!refused.isEmpty()) {
                problems.add(new Problem(file, "The " + kind + " \"" + name + "\" is invalid: "
                        + (refused.size() == 1 ? refused.getFirst() : "\n* " + String.join("\n* ", refused)), true));
                continue;
            }
            try {
                documents.add(new Document(file, STRICT.treeToValue(node, type)));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
                String where = e instanceof JsonMappingException m ? " at " + fieldPath(m) : "";
                problems.add(new Problem(file, kind + " " + name + " is invalid" + where + ": "
                        + firstLine(message), true));
            }
        }
    }

    /** Where in the resource the error is, as a field path: {@code spec.code.path}. */
    private static String fieldPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "the top level" : path.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
