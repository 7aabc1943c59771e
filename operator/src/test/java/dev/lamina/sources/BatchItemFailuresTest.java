package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchItemFailuresTest {
    private static final Set<String> BATCH = Set.of("m1", "m2", "m3");

    private static BatchItemFailures read(String answer) {
        return BatchItemFailures.read(answer == null ? null : answer.getBytes(StandardCharsets.UTF_8), BATCH);
    }

    @Test
    void noReportMeansEveryRecordSucceeded() {
        assertThat(read(null)).isInstanceOf(BatchItemFailures.None.class);
        assertThat(read("")).isInstanceOf(BatchItemFailures.None.class);
        assertThat(read("null")).isInstanceOf(BatchItemFailures.None.class);
        assertThat(read("{}")).isInstanceOf(BatchItemFailures.None.class);
        assertThat(read("{\"batchItemFailures\":null}")).isInstanceOf(BatchItemFailures.None.class);
        assertThat(read("{\"batchItemFailures\":[]}")).isInstanceOf(BatchItemFailures.None.class);
        assertThat(read("{\"other\":1}")).isInstanceOf(BatchItemFailures.None.class);
    }

    @Test
    void listedIdentifiersFailed() {
        assertThat(read("{\"batchItemFailures\":[{\"itemIdentifier\":\"m2\"},{\"itemIdentifier\":\"m3\"}]}"))
                .isEqualTo(new BatchItemFailures.Some(Set.of("m2", "m3")));
    }

    @Test
    void anInvalidReportFailsTheWholeBatch() {
        assertThat(read("not json")).isInstanceOf(BatchItemFailures.Invalid.class);
        assertThat(read("{\"batchItemFailures\":\"m1\"}")).isInstanceOf(BatchItemFailures.Invalid.class);
        assertThat(read("{\"batchItemFailures\":[{}]}")).isInstanceOf(BatchItemFailures.Invalid.class);
        assertThat(read("{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}"))
                .isInstanceOf(BatchItemFailures.Invalid.class);
        assertThat(read("{\"batchItemFailures\":[{\"itemIdentifier\":7}]}"))
                .isInstanceOf(BatchItemFailures.Invalid.class);
        assertThat(read("{\"batchItemFailures\":[{\"itemIdentifier\":\"m9\"}]}"))
                .isEqualTo(new BatchItemFailures.Invalid("itemIdentifier m9 is not in the batch"));
    }
}
