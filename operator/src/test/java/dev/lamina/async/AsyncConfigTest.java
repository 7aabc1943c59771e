package dev.lamina.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The queue is chosen and set up by the environment variables the chart gives the operator. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AsyncConfigTest {

    private static AsyncConfig read(Map<String, String> environment) {
        return new SmallRyeConfigBuilder().withMapping(AsyncConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new EnvConfigSource(environment, 300)).build()
                .getConfigMapping(AsyncConfig.class);
    }

    @Test
    void theEmbeddedQueueIsTheDefault() {
        AsyncConfig config = read(Map.of("LAMINA_ASYNC_DATA_DIR", "/var/lib/lamina/async"));
        assertThat(config.store()).isEqualTo(AsyncConfig.Store.SQLITE);
        assertThat(config.dataDir()).contains(Path.of("/var/lib/lamina/async"));
    }

    @Test
    void natsServersCredentialsAndReplicasComeFromTheEnvironment() {
        AsyncConfig config = read(Map.of("LAMINA_ASYNC_STORE", "nats",
                "LAMINA_ASYNC_NATS_SERVERS", "nats://lamina-nats-0:4222,nats://lamina-nats-1:4222",
                "LAMINA_ASYNC_NATS_REPLICAS", "3",
                "LAMINA_ASYNC_NATS_CREDENTIALS_FILE", "/etc/lamina-nats/nats.creds"));
        assertThat(config.store()).isEqualTo(AsyncConfig.Store.NATS);
        assertThat(config.nats().settings()).isEqualTo(new NatsSettings(
                List.of("nats://lamina-nats-0:4222", "nats://lamina-nats-1:4222"),
                Optional.of(Path.of("/etc/lamina-nats/nats.creds")), "LAMINA_ASYNC", 3, Duration.ofSeconds(30)));
    }

    @Test
    void natsWithoutServersSaysWhatIsMissing() {
        AsyncConfig config = read(Map.of("LAMINA_ASYNC_STORE", "nats"));
        assertThatThrownBy(() -> config.nats().settings()).hasMessageContaining("lamina.async.nats.servers");
    }
}
