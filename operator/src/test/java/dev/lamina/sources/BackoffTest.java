package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheCeilingAndStartsOverAfterASuccess() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertThat(backoff.next()).hasSeconds(1);
        assertThat(backoff.next()).hasSeconds(2);
        assertThat(backoff.next()).hasSeconds(4);
        assertThat(backoff.next()).hasSeconds(8);
        assertThat(backoff.next()).hasSeconds(16);
        assertThat(backoff.next()).hasSeconds(30);
        assertThat(backoff.next()).hasSeconds(30);
        backoff.reset();
        assertThat(backoff.next()).hasSeconds(1);
    }
}
