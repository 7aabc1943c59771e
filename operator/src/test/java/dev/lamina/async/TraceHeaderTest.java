package dev.lamina.async;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceHeaderTest {

    private static final FunctionRef A = new FunctionRef("default", "a", null);
    private static final FunctionRef A_LIVE = new FunctionRef("default", "a", "live");
    private static final FunctionRef B = new FunctionRef("default", "b", null);
    private static final FunctionRef A_ELSEWHERE = new FunctionRef("team-2", "a", null);

    @Test
    void aCallerWithoutTraceHeaderStartsANewTraceWithNoLineage() {
        TraceHeader header = TraceHeader.parse(null);

        assertThat(header.toString()).matches("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Sampled=0");
        assertThat(header.count(A)).isZero();
    }

    @Test
    void theCallersTraceFieldsAreKeptAndTheLineageIsAdded() {
        TraceHeader header = TraceHeader.parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");

        String counted = header.counting(A).toString();

        assertThat(counted).startsWith("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=");
        assertThat(counted).matches(".*;Lineage=[0-9a-f]{8}:1");
    }

    @Test
    void eachFunctionIsCountedOnItsOwnAndAllItsQualifiersAreOneFunction() {
        TraceHeader header = TraceHeader.parse(null).counting(A).counting(B).counting(A_LIVE);

        TraceHeader reparsed = TraceHeader.parse(header.toString());
        assertThat(reparsed.count(A)).isEqualTo(2);
        assertThat(reparsed.count(A_LIVE)).isEqualTo(2);
        assertThat(reparsed.count(B)).isEqualTo(1);
        assertThat(reparsed.count(A_ELSEWHERE)).as("the same name in another namespace is another function").isZero();
    }

    @Test
    void aMalformedLineageFromAClientCountsAsNone() {
        assertThat(TraceHeader.parse("Root=1-5759e988-bd862e3fe1be46a994272793;Lineage=zz:notanumber|:3").count(A)).isZero();
    }
}
