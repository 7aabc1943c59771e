package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Event source mappings in local mode, for real: a schedule that missed ticks while local mode was not running fires
 * once at start, through the durable async queue, into a bash function.
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
}
