package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lamina.gateway.Gateway;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

/**
 * A FunctionVersion written by hand means in local mode what it means in a cluster (FunctionReconcilerTest): it
 * runs its own snapshot, its number is taken, and history trimming never deletes it.
 */
@QuarkusTest
@TestProfile(LocalModeProfile.Versions.class)
class DeclaredVersionsTest {
    private static final Duration EVENTUALLY = Duration.ofSeconds(60);
    private static LambdaClient lambda;

    @BeforeAll
    static void client() {
        lambda = Gateway.lambda();
    }

    @AfterAll
    static void close() {
        lambda.close();
    }

    @Test
    void aDeclaredVersionRunsItsSnapshotIsNumberedAroundAndIsNeverDeleted() throws Exception {
        assertThat(versions()).containsExactly("$LATEST", "1", "2");
        assertThat(greeting("shop:1")).isEqualTo("first");
        assertThat(greeting("shop:2")).as("published after the declared number").isEqualTo("second");

        Path file = Path.of(ConfigProvider.getConfig().getValue("lamina.local.dir", String.class), "shop.yaml");
        Files.writeString(file, Files.readString(file).replace("GREETING: second", "GREETING: third"));

        await().atMost(EVENTUALLY).until(() -> versions().contains("3"));
        assertThat(versions()).as("version 2 is beyond the history limit; the declared one stays")
                .containsExactly("$LATEST", "1", "3");
        assertThat(greeting("shop:1")).isEqualTo("first");
        assertThat(greeting("shop")).isEqualTo("third");
    }

    private static List<String> versions() {
        return lambda.listVersionsByFunction(b -> b.functionName("shop")).versions().stream()
                .map(FunctionConfiguration::version).toList();
    }

    private static String greeting(String function) {
        String body = lambda.invoke(b -> b.functionName(function).payload(Gateway.json("{}"))).payload()
                .asUtf8String();
        return body.replaceAll(".*\"greeting\":\"([^\"]*)\".*", "$1");
    }
}
