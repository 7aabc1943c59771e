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
        assertThat(LaminaMain.LocalArguments.parse("local", dir.toString()))
                .isEqualTo(new LaminaMain.LocalArguments(dir, LaminaMain.DEFAULT_PORT));
        assertThat(LaminaMain.LocalArguments.parse("local", "--port", "9123", dir.toString()).port()).isEqualTo(9123);
    }

    @Test
    void explainsWhatIsWrong() {
        assertThatThrownBy(() -> LaminaMain.LocalArguments.parse("local"))
                .hasMessageContaining("needs the directory");
        assertThatThrownBy(() -> LaminaMain.LocalArguments.parse("local", dir.toString(), "--port", "x"))
                .hasMessageContaining("needs a number");
        assertThatThrownBy(() -> LaminaMain.LocalArguments.parse("local", dir.resolve("nope").toString()))
                .hasMessageContaining("is not a directory");
    }
}
