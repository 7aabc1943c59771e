package dev.lamina.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * After packaging (failsafe, integration-test phase): the CRDs Quarkus generated into target/kubernetes are the
 * committed ones, so what the tests validate, what crds/ holds and what the chart ships are one and the same.
 */
class CommittedCrdsIT {

    @Test
    void quarkusBuildGeneratedTheCommittedCrds() {
        Map<String, String> built = CrdFiles.read(Path.of("target/kubernetes").toAbsolutePath());
        assertThat(built).as("Quarkus generated no Lamina CRDs into target/kubernetes").isNotEmpty();
        CrdFiles.assertSame(built, Repository.crds(), "the Quarkus build");
        CrdFiles.assertSame(built, Repository.chartCrds(), "the Quarkus build");
    }
}
