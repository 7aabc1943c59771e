package dev.lamina.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CustomResourceInfo;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CRDs generated from the model right now, the way Quarkus generates them at build time: Fabric8's CRDGenerator
 * with {@link LaminaCrdPostProcessor}, one file per kind. Generated once per test run.
 */
final class GeneratedCrds {

    private static final Map<String, String> FILES = generate();
    private static final Map<String, CrdValidator> VALIDATORS = new ConcurrentHashMap<>();

    private GeneratedCrds() {
    }

    /** File name (e.g. {@code functions.lamina.dev-v1.yml}) → YAML text. */
    static Map<String, String> files() {
        return FILES;
    }

    static String fileName(Class<? extends HasMetadata> type) {
        return CRDGenerator.getOutputName(HasMetadata.getFullResourceName(type), "v1") + ".yml";
    }

    static JsonNode crd(Class<? extends HasMetadata> type) {
        try {
            return Repository.YAML.readTree(FILES.get(fileName(type)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode crd(String kind) {
        return crd(Resources.byKind(kind).orElseThrow(() -> new IllegalArgumentException("not a Lamina kind: " + kind)));
    }

    /** What the API server would answer with the CRD of this kind as the model generates it now. */
    static CrdValidator validator(String kind) {
        return VALIDATORS.computeIfAbsent(kind, k -> CrdValidator.of(crd(k)));
    }

    private static Map<String, String> generate() {
        try {
            Path dir = Files.createTempDirectory("lamina-crds");
            new CRDGenerator()
                    .withPostProcessor(new LaminaCrdPostProcessor())
                    .forCRDVersions("v1")
                    .inOutputDir(dir.toFile())
                    .customResources(Resources.ALL.stream().map(CustomResourceInfo::fromClass).toList())
                    .detailedGenerate();
            Map<String, String> files = new TreeMap<>();
            try (var generated = Files.list(dir)) {
                for (Path file : generated.toList()) {
                    files.put(file.getFileName().toString(), Files.readString(file));
                    Files.delete(file);
                }
            }
            Files.delete(dir);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
