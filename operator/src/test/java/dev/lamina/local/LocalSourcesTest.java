package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Event source mappings in local mode, for real: a schedule that missed ticks while local mode was not running fires
 * once at start, through the durable async queue, into a bash function; a Kinesis stream (served by moto) is read
 * into another, with credentials from a Secret of the directory, and its checkpoint kept in the state directory.
 */
@QuarkusTest
@TestProfile(LocalModeProfile.Sources.class)
class LocalSourcesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMissedScheduleTickFiresOnceThroughTheAsyncQueue() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(LocalModeProfile.Sources.RECORDED)
                && !Files.readAllLines(LocalModeProfile.Sources.RECORDED).isEmpty());
        List<String> lines = Files.readAllLines(LocalModeProfile.Sources.RECORDED);
        assertThat(lines).hasSize(1);
        JsonNode event = JSON.readTree(lines.getFirst());
        assertThat(event.path("detail-type").asText()).isEqualTo("Scheduled Event");
        assertThat(event.path("source").asText()).isEqualTo("aws.events");
        assertThat(event.path("resources").get(0).asText()).endsWith(":rule/nightly");
        Instant fired = Instant.parse(event.path("time").asText());
        assertThat(fired.atZone(java.time.ZoneOffset.UTC).getHour()).as("the 03:00 tick").isEqualTo(3);
        assertThat(fired).isAfter(Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.DAYS));

        String state = ConfigProvider.getConfig().getValue("lamina.local.state-dir", String.class);
        assertThat(Instant.parse(Files.readString(java.nio.file.Path.of(state, "schedules/default/nightly")).strip()))
                .as("the tick is recorded, so a restart does not fire it again").isEqualTo(fired);
    }

    @Test
    void aKinesisStreamIsReadIntoTheFunctionAndCheckpointedInTheStateDirectory() throws Exception {
        String arn = LocalModeProfile.Sources.streamArn();
        assumeTrue(arn != null, "moto_server is not installed: this test needs it on the PATH to serve Kinesis "
                + "(pip install 'moto[server]')");
        Path clicks = LocalModeProfile.Sources.CLICKS;
        await().atMost(Duration.ofSeconds(60)).until(() -> records(clicks).size() >= 3);
        List<JsonNode> records = records(clicks);
        assertThat(records).extracting(r -> new String(Base64.getDecoder().decode(r.at("/kinesis/data").asText()),
                StandardCharsets.UTF_8)).containsExactlyElementsOf(LocalModeProfile.Sources.PUT);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.get("eventSource").asText()).isEqualTo("aws:kinesis");
            assertThat(r.get("eventSourceARN").asText()).isEqualTo(arn);
            assertThat(r.at("/kinesis/partitionKey").asText()).isEqualTo("user-1");
        });

        String state = ConfigProvider.getConfig().getValue("lamina.local.state-dir", String.class);
        Path checkpoints = Path.of(state, "checkpoints/default/clicks");
        String last = records.getLast().at("/kinesis/sequenceNumber").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(checkpoints)
                && JSON.readTree(checkpoints.toFile()).toString().contains("\"" + last + "\""));
        assertThat(JSON.readTree(checkpoints.toFile()).properties()).singleElement()
                .satisfies(e -> assertThat(e.getKey()).startsWith("shardId-"));
    }

    /** The records of every event recorded in the file. */
    private static List<JsonNode> records(Path file) throws Exception {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                JSON.readTree(line).get("Records").forEach(records::add);
            }
        }
        return records;
    }
}
