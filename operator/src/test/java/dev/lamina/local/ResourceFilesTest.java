package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lamina.api.Function;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResourceFilesTest {

    @TempDir
    Path dir;

    @Test
    void readsMultiDocumentFilesInSubdirectoriesAndSkipsBuildOutput() throws Exception {
        Files.createDirectories(dir.resolve("a/target"));
        Files.writeString(dir.resolve("a/fn.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: code}
                data: {bootstrap: "echo"}
                ---
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: fn}
                spec: {runtime: provided.al2023, handler: h, code: {configMap: code}}
                """);
        Files.writeString(dir.resolve("alias.yml"), """
                apiVersion: lamina.dev/v1alpha1
                kind: Alias
                metadata: {name: fn-live}
                spec: {function: fn, name: live, functionVersion: "1"}
                """);
        Files.writeString(dir.resolve("a/target/copy.yaml"), "not: [valid");
        ResourceFiles.Contents contents = ResourceFiles.read(dir);
        assertThat(contents.problems()).isEmpty();
        assertThat(contents.documents()).extracting(d -> d.resource().getKind())
                .containsExactlyInAnyOrder("ConfigMap", "Function", "Alias");
        Function fn = contents.documents().stream().map(ResourceFiles.Document::resource)
                .filter(Function.class::isInstance).map(Function.class::cast).findFirst().orElseThrow();
        assertThat(fn.getSpec().timeoutSeconds()).as("Lambda's defaults apply").isEqualTo(3);
        assertThat(fn.getSpec().memoryMB()).isEqualTo(128);
    }

    @Test
    void reportsUnknownFieldsAndBrokenYamlWithTheFile() throws Exception {
        Files.writeString(dir.resolve("typo.yaml"), """
                apiVersion: lamina.dev/v1alpha1
                kind: Function
                metadata: {name: fn}
                spec: {runtime: java21, handler: h, memorySize: 256, code: {path: x}}
                """);
        Files.writeString(dir.resolve("broken.yaml"), "kind: [unclosed");
        Files.writeString(dir.resolve("other.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                ---
                apiVersion: lamina.dev/v1alpha1
                kind: Functoin
                metadata: {name: misspelt}
                """);
        ResourceFiles.Contents contents = ResourceFiles.read(dir);
        assertThat(contents.documents()).isEmpty();
        assertThat(contents.problems()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(dir.resolve("typo.yaml"));
            assertThat(p.message()).isEqualTo("The Function \"fn\" is invalid: unknown field \"spec.memorySize\"");
            assertThat(p.fatal()).isTrue();
        });
        assertThat(contents.problems()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(dir.resolve("broken.yaml"));
            assertThat(p.message()).startsWith("not valid YAML");
        });
        assertThat(contents.problems()).anySatisfy(p -> {
            assertThat(p.message()).contains("Functoin misspelt").contains("not a Lamina kind");
            assertThat(p.fatal()).isFalse();
        });
        assertThat(contents.unused()).as("other kinds matter in a cluster only, which is not a problem")
                .containsExactly("Deployment web (other.yaml)");
    }
}
