package dev.lamina.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lamina.api.AliasStatus.DeploymentStatus;
import dev.lamina.api.FunctionKey;
import dev.lamina.gateway.Gateway;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetAliasResponse;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Deployments in local mode, driven by edits of the function's file (local-deployments/): each edit publishes a
 * version, which the aliases following the latest one roll out by their type, with the alarm and the hook deciding.
 */
@QuarkusTest
@TestProfile(LocalModeProfile.Deployments.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class LocalDeploymentsTest {
    private static final Duration EVENTUALLY = Duration.ofSeconds(90);
    private static final FunctionKey SHOP = new FunctionKey("default", "shop");
    private static LambdaClient lambda;

    @Inject
    LocalMode local;

    @BeforeAll
    static void client() {
        lambda = Gateway.lambda();
    }

    @AfterAll
    static void close() {
        lambda.close();
    }

    @Test
    @Order(1)
    void aGoodVersionMovesStepByStepAndPassesItsHook() throws Exception {
        await().atMost(EVENTUALLY).ignoreExceptions().until(() -> "1".equals(alias("live").functionVersion())
                && "1".equals(alias("checked").functionVersion()));
        edit("RELEASE: one", "RELEASE: two");

        Set<Double> weights = ConcurrentHashMap.newKeySet();
        await().atMost(EVENTUALLY).ignoreExceptions().pollInterval(Duration.ofMillis(100)).until(() -> {
            GetAliasResponse live = alias("live");
            if (live.routingConfig() != null) {
                weights.add(live.routingConfig().additionalVersionWeights().get("2"));
            }
            return "2".equals(live.functionVersion()) && live.routingConfig() == null;
        });
        assertThat(weights).as("Linear 25%% every 2s shows its steps on the way").contains(0.25, 0.5);
        assertThat(local.deployment(SHOP, "live").phase()).isEqualTo(DeploymentStatus.SUCCEEDED);

        await().atMost(EVENTUALLY).ignoreExceptions().until(() -> "2".equals(alias("checked").functionVersion()));
        DeploymentStatus checked = local.deployment(SHOP, "checked");
        assertThat(checked.phase()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(executedVersion("shop:checked")).isEqualTo("2");
    }

    @Test
    @Order(2)
    void aVersionFailingHalfItsCallsRollsBackBeforeItGetsAllTraffic() throws Exception {
        // The first step is held for 10 minutes: only the alarm can end this deployment within the test.
        edit("interval: 2s", "interval: 10m");
        edit("FAIL_PERCENT: \"0\"", "FAIL_PERCENT: \"50\"");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger failedCalls = new AtomicInteger();
        Thread traffic = Thread.ofVirtual().start(() -> {
            while (!stop.get()) {
                try {
                    lambda.invoke(b -> b.functionName("shop:live").payload(Gateway.json("{}")));
                } catch (RuntimeException e) {
                    failedCalls.incrementAndGet();
                }
            }
        });
        try {
            await().atMost(EVENTUALLY).ignoreExceptions().until(() -> {
                DeploymentStatus live = local.deployment(SHOP, "live");
                return "3".equals(live.targetVersion()) && DeploymentStatus.ROLLED_BACK.equals(live.phase());
            });
        } finally {
            stop.set(true);
            traffic.join(Duration.ofSeconds(30));
        }
        DeploymentStatus live = local.deployment(SHOP, "live");
        assertThat(live.message()).contains("version 3 rolled back to version 2: error rate");
        assertThat(live.counts().functionErrors()).isPositive();
        assertThat(live.step()).as("rolled back at its first step").isEqualTo(1);
        assertThat(failedCalls).as("calls the gateway failed").hasValue(0);
        assertThat(Gateway.metrics()).contains("lamina_deployments_total{alias=\"live\",function_name=\"shop\","
                + "namespace=\"default\",outcome=\"RolledBack\"} 1.0").contains("lamina_deployment_target_weight{"
                + "alias=\"live\",function_name=\"shop\",namespace=\"default\"} 0.0");
        GetAliasResponse after = alias("live");
        assertThat(after.functionVersion()).isEqualTo("2");
        assertThat(after.routingConfig()).isNull();
        for (int i = 0; i < 10; i++) {
            assertThat(executedVersion("shop:live")).isEqualTo("2");
        }
    }

    @Test
    @Order(3)
    void aHookReportingFailedRollsBackAndAHeldStepIsPromotedByHand() throws Exception {
        Path gate = directory().resolve("gate.yaml");
        Files.writeString(gate, Files.readString(gate).replace("GATE_STATUS: Succeeded", "GATE_STATUS: Failed"));
        await().atMost(EVENTUALLY).ignoreExceptions().until(() -> "Failed".equals(gateStatus()));
        edit("FAIL_PERCENT: \"50\"", "FAIL_PERCENT: \"0\"");

        await().atMost(EVENTUALLY).ignoreExceptions().until(() -> {
            DeploymentStatus checked = local.deployment(SHOP, "checked");
            return "4".equals(checked.targetVersion()) && DeploymentStatus.ROLLED_BACK.equals(checked.phase());
        });
        assertThat(local.deployment(SHOP, "checked").message()).endsWith("pre-traffic hook gate reported Failed");
        assertThat(alias("checked").functionVersion()).as("checked went from version 3 back to it")
                .isEqualTo("3");

        await().atMost(EVENTUALLY).ignoreExceptions().until(() -> DeploymentStatus.SHIFTING.equals(
                local.deployment(SHOP, "live").phase()) && "4".equals(local.deployment(SHOP, "live").targetVersion()));
        edit("  name: shop-live\n",
                "  name: shop-live\n  annotations: {lamina.dev/deployment-action: \"promote:4\"}\n");
        await().atMost(EVENTUALLY).ignoreExceptions().until(() -> "4".equals(alias("live").functionVersion()));
        assertThat(local.deployment(SHOP, "live").phase()).isEqualTo(DeploymentStatus.SUCCEEDED);
    }

    private static String gateStatus() {
        return lambda.getFunctionConfiguration(b -> b.functionName("gate")).environment().variables()
                .get("GATE_STATUS");
    }

    private static GetAliasResponse alias(String name) {
        return lambda.getAlias(b -> b.functionName("shop").name(name));
    }

    private static String executedVersion(String function) {
        InvokeResponse answer = lambda.invoke(b -> b.functionName(function).payload(Gateway.json("{}")));
        return answer.executedVersion();
    }

    private static Path directory() {
        return Path.of(ConfigProvider.getConfig().getValue("lamina.local.dir", String.class));
    }

    private static void edit(String from, String to) throws Exception {
        Path file = directory().resolve("shop.yaml");
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to));
    }
}
