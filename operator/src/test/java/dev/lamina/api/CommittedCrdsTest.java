package dev.lamina.api;

import org.junit.jupiter.api.Test;

/**
 * The CRDs users install (crds/, and the chart's copy) are exactly what the model generates now. Surefire runs
 * before Quarkus generates its copy in the package phase, so this test generates the CRDs itself, with the same
 * generator and post-processor; {@link CommittedCrdsIT} checks the build's own output after packaging.
 */
class CommittedCrdsTest {

    @Test
    void crdsDirectoryMatchesTheModel() {
        CrdFiles.assertSame(GeneratedCrds.files(), Repository.crds(), "the build");
    }

    @Test
    void helmChartShipsTheSameCrds() {
        CrdFiles.assertSame(GeneratedCrds.files(), Repository.chartCrds(), "the build");
    }
}
