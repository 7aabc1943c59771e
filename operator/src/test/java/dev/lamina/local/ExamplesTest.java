package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The README serves examples/: every file in it must load in local mode as written. */
@QuarkusTest
@TestProfile(LocalModeProfile.Examples.class)
class ExamplesTest {
    @Inject
    LocalMode localMode;

    @Test
    void everyExampleLoadsWithoutAProblem() {
        assertThat(localMode.startProblems()).isEmpty();
    }
}
