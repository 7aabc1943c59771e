package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalArgumentsTest {

    @TempDir
    Path dir;

    @Test
    void readsTheDirectoryAndThePort() {
        assertThat(LocalArguments.parse("local", dir.toString()))
                .isEqualTo(new LocalArguments(dir, LocalArguments.DEFAULT_PORT));
        assertThat(LocalArguments.parse("local", "--port", "9123", dir.toString()).port()).isEqualTo(9123);
    }

    @Test
    void explainsWhatIsWrong() {
        assertThatThrownBy(() -> LocalArguments.parse("local"))
                .hasMessageContaining("needs the directory");
        assertThatThrownBy(() -> LocalArguments.parse("local", dir.toString(), "--port", "x"))
                .hasMessageContaining("needs a number");
        assertThatThrownBy(() -> LocalArguments.parse("local", dir.resolve("nope").toString()))
                .hasMessageContaining("is not a directory");
    }
}
