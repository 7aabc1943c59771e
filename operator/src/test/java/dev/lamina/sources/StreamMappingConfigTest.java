package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stream mappings Lamina refuses before reading anything: they go Failed with the reason. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class StreamMappingConfigTest {
    private static final String NOWHERE = "http://127.0.0.1:9";
    private static final String TABLE_STREAM =
            "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2025-01-01T00:00:00.000";

    private final Sources sources = new Sources();
    private final EventSources running = new EventSources(sources.with);

    @AfterEach
    void stop() {
        running.close();
    }

    private MappingState.Problem refused(Mapping mapping) {
        running.put(mapping);
        MappingState state = sources.state(mapping);
        assertThat(state.state()).isEqualTo(MappingState.State.Failed);
        assertThat(state.problem().reason()).isEqualTo("InvalidConfiguration");
        return state.problem();
    }

    @Test
    void dynamoDbStreamsHaveNoAtTimestamp() {
        assertThat(refused(StreamMapping.dynamoDb("ddb", TABLE_STREAM, NOWHERE)
                .startingAt("2025-01-31T08:00:00Z").mapping()).message()).contains("AT_TIMESTAMP");
    }

    @Test
    void theStreamArnMustBeOfTheSourceKind() {
        assertThat(refused(StreamMapping.dynamoDb("ddb", "arn:aws:kinesis:us-east-1:000000000000:stream/s",
                NOWHERE).mapping()).message()).contains("is not a dynamodb stream ARN");
        assertThat(refused(StreamMapping.dynamoDb("table", "arn:aws:dynamodb:us-east-1:000000000000:table/orders",
                NOWHERE).mapping()).message()).contains("names a table, not its stream");
        assertThat(refused(StreamMapping.kinesis("kinesis", TABLE_STREAM, NOWHERE).mapping()).message())
                .contains("is not a kinesis stream ARN");
    }

    @Test
    void aKinesisStreamStartsAtATimestampAndAnUnreachableOneIsAProblem() {
        Mapping mapping = StreamMapping.kinesis("kinesis", "arn:aws:kinesis:us-east-1:000000000000:stream/s", NOWHERE)
                .startingAt("2025-01-31T08:00:00.250+02:00").mapping();
        running.put(mapping);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            MappingState state = sources.state(mapping);
            assertThat(state.state()).isEqualTo(MappingState.State.Enabled);
            assertThat(state.problem().reason()).isEqualTo("SourceUnreachable");
        });
    }
}
