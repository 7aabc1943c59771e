package dev.lamina.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where a function's code (or a layer) comes from: exactly one source. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "[has(self.configMap), has(self.url), has(self.image), has(self.path)].filter(x, x).size() == 1",
        message = "code names exactly one of configMap, url, image or path")
@ValidationRule(value = "has(self.url) == has(self.sha256)",
        message = "a code url needs its sha256, and sha256 goes with a url")
public record CodeSource(
        @JsonPropertyDescription("A ConfigMap in the same namespace whose keys are the code's files (inline code, like CloudFormation's ZipFile).")
        @Size(max = Names.KUBERNETES_OBJECT_MAX_LENGTH) @Pattern(Names.KUBERNETES_OBJECT) String configMap,
        @JsonPropertyDescription("URL of a zip archive of the code (https:, or file: in local mode). Checked against sha256 before use.")
        @Size(max = 2048) @Pattern("^(https?|file):.+") String url,
        @JsonPropertyDescription("Hex SHA-256 of the archive at url.")
        @Pattern("^[a-f0-9]{64}$") String sha256,
        @JsonPropertyDescription("An image whose file system holds the code at /var/task (copied into the runtime's task root).")
        @Size(min = 1, max = 1024) String image,
        @JsonPropertyDescription("Local mode only (for development): a directory or zip path relative to the YAML file. Rejected in a cluster.")
        @Size(min = 1, max = 4096) String path) {
}
