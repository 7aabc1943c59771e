package dev.lamina.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One test case file under {@code src/test/resources/crd-cases/}: a resource to create, or two documents (the stored
 * resource, then the update to it). A {@code # expect: <message>} comment line names the message an invalid case is
 * rejected with.
 */
record ResourceCase(String name, List<JsonNode> documents, Optional<String> expectedMessage) {

    private static final String EXPECT = "# expect: ";
    static final Path DIRECTORY = Repository.ROOT.resolve("operator/src/test/resources/crd-cases");

    static List<ResourceCase> in(String folder) {
        return Repository.yamlFiles(DIRECTORY.resolve(folder)).stream().map(ResourceCase::read).toList();
    }

    static ResourceCase read(Path file) {
        Optional<String> expected = Repository.read(file).lines()
                .filter(line -> line.startsWith(EXPECT))
                .map(line -> line.substring(EXPECT.length()).strip())
                .findFirst();
        return new ResourceCase(file.getFileName().toString().replaceAll("\\.ya?ml$", ""),
                Repository.documents(file), expected);
    }

    String kind() {
        return updated().path("kind").asText();
    }

    JsonNode stored() {
        return documents.size() == 2 ? documents.get(0) : null;
    }

    JsonNode updated() {
        return documents.getLast();
    }

    /** The messages applying this case is answered with; empty when it is accepted. */
    List<String> apply() {
        if (documents.isEmpty() || documents.size() > 2) {
            throw new IllegalStateException(name + ": a case holds one resource, or a stored one and its update");
        }
        return GeneratedCrds.validator(kind()).validate(stored(), updated());
    }

    @Override
    public String toString() {
        return name;
    }
}
