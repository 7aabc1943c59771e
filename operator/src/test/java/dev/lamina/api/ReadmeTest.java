package dev.lamina.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the README tells a newcomer works: its resources are accepted, and its test command is what CI runs. */
class ReadmeTest {

    private static final Pattern CODE_BLOCK = Pattern.compile("```(\\w+)\\n(.*?)```", Pattern.DOTALL);
    private static final String README = Repository.read(Repository.ROOT.resolve("README.md"));

    @Test
    void resourcesShownInTheReadmeAreAccepted() throws JsonProcessingException {
        List<JsonNode> resources = new ArrayList<>();
        for (String yaml : codeBlocks("yaml")) {
            JsonNode resource = Repository.YAML.readTree(yaml);
            assertThat(GeneratedCrds.validator(resource.path("kind").asText()).validate(resource))
                    .as("README's %s", resource.path("kind").asText()).isEmpty();
            resources.add(resource);
        }
        assertThat(resources).extracting(resource -> resource.path("kind").asText())
                .contains("Function", "Alias");
    }

    @Test
    void readmeShowsTheCommandCiRuns() {
        List<String> ciLines = Repository.read(Repository.ROOT.resolve(".ci/run")).lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();
        String ciCommand = ciLines.getLast();
        assertThat(codeBlocks("sh")).as("README's shell blocks").anyMatch(block -> block.strip().equals(ciCommand));
    }

    @Test
    void readmeShowsHowToRegenerateTheCrds() {
        assertThat(codeBlocks("sh")).anyMatch(block -> block.strip().equals(Repository.REGENERATE_CRDS));
    }

    private static List<String> codeBlocks(String language) {
        List<String> blocks = new ArrayList<>();
        Matcher matcher = CODE_BLOCK.matcher(README);
        while (matcher.find()) {
            if (matcher.group(1).equals(language)) {
                blocks.add(matcher.group(2));
            }
        }
        return blocks;
    }
}
