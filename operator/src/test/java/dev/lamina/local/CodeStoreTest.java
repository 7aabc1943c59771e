package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lamina.api.CodeSource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeStoreTest {

    @TempDir
    Path dir;

    private final CodeStore store = newStore();

    private static CodeStore newStore() {
        try {
            return new CodeStore();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    @Test
    void aConfigMapBecomesExecutableFiles() throws Exception {
        ConfigMap code = new ConfigMapBuilder().withNewMetadata().withName("code").endMetadata()
                .addToData("bootstrap", "#!/bin/sh\necho hi\n").build();
        CodeStore.Code materialized = store.materialize(new CodeSource("code", null, null, null, null), dir,
                Map.of("code", code));
        Path bootstrap = materialized.dir().resolve("bootstrap");
        assertThat(bootstrap).hasContent("#!/bin/sh\necho hi");
        assertThat(Files.isExecutable(bootstrap)).isTrue();
        assertThat(materialized.location()).isEqualTo("configmap:code");
        assertThatThrownBy(() -> store.materialize(new CodeSource("other", null, null, null, null), dir, Map.of()))
                .hasMessageContaining("ConfigMap other is not in the directory");
    }

    @Test
    void aZipFromAFileUrlIsCheckedAndExtractedWithItsPermissions() throws Exception {
        Path zip = zipWithExecutableBootstrap();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(zip)));
        CodeStore.Code code = store.materialize(new CodeSource(null, zip.toUri().toString(), sha, null, null), dir,
                Map.of());
        assertThat(Files.isExecutable(code.dir().resolve("bootstrap"))).isTrue();
        assertThat(code.dir().resolve("lib/data.txt")).hasContent("data");
        assertThat(code.size()).isEqualTo(Files.size(zip));

        String wrong = "0".repeat(64);
        assertThatThrownBy(() -> store.materialize(new CodeSource(null, zip.toUri().toString(), wrong, null, null),
                dir, Map.of())).hasMessageContaining("has sha256 " + sha + ", not " + wrong);
    }

    @Test
    void aPathIsRelativeToTheYamlAndEveryContentGetsItsOwnDirectory() throws Exception {
        Path src = Files.createDirectories(dir.resolve("fn/src"));
        Files.writeString(src.resolve("bootstrap"), "v1");
        CodeStore.Code first = store.materialize(new CodeSource(null, null, null, null, "src"), dir.resolve("fn"),
                Map.of());
        Files.writeString(src.resolve("bootstrap"), "v2");
        CodeStore.Code second = store.materialize(new CodeSource(null, null, null, null, "src"), dir.resolve("fn"),
                Map.of());
        assertThat(first.dir()).isNotEqualTo(second.dir());
        assertThat(first.dir().resolve("bootstrap")).hasContent("v1");
        assertThat(second.dir().resolve("bootstrap")).hasContent("v2");
        assertThat(first.sha256()).isNotEqualTo(second.sha256());
        assertThatThrownBy(() -> store.materialize(new CodeSource(null, null, null, null, "missing"), dir, Map.of()))
                .hasMessageContaining("does not exist");
    }

    @Test
    void somethingThatIsNotAZipIsReportedAsSuch() throws Exception {
        Path notZip = Files.writeString(dir.resolve("code.zip"), "plain text");
        assertThatThrownBy(() -> store.materialize(new CodeSource(null, null, null, null, "code.zip"), dir, Map.of()))
                .isInstanceOf(CodeStore.CodeProblem.class);
        assertThat(notZip).exists();
    }

    private Path zipWithExecutableBootstrap() throws Exception {
        Path zip = dir.resolve("code.zip");
        try (FileSystem fs = FileSystems.newFileSystem(zip, Map.of("create", "true", "enablePosixFileAttributes",
                "true"))) {
            Path bootstrap = fs.getPath("/bootstrap");
            Files.writeString(bootstrap, "#!/bin/sh\n");
            Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(fs.getPath("/lib"));
            Files.write(fs.getPath("/lib/data.txt"), "data".getBytes(StandardCharsets.UTF_8));
        }
        return zip;
    }
}
