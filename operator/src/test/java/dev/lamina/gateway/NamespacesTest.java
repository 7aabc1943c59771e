package dev.lamina.gateway;

import static dev.lamina.gateway.Gateway.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lamina.local.LocalModeProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * Every namespace of a local directory is reachable, through the real AWS SDK: a plain name in the default namespace,
 * any namespace by an ARN with its account id; functions see, and the control plane returns, ARNs in their own
 * namespace's account.
 */
@QuarkusTest
@TestProfile(LocalModeProfile.Namespaces.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NamespacesTest {

    /** The account of namespace team-a: {@code printf %s team-a | sha256sum | tr -dc 0-9 | cut -c1-12}. */
    private static final String TEAM_A = "962886511490";
    private static final String ARN = "arn:aws:lambda:us-east-1:";
    private static LambdaClient lambda;

    @BeforeAll
    static void client() {
        lambda = Gateway.lambda();
    }

    @AfterAll
    static void close() {
        lambda.close();
    }

    private static String invoke(String function) {
        return lambda.invoke(b -> b.functionName(function).payload(json("{}"))).payload().asUtf8String();
    }

    @Test
    void theAccountRuleIsTheDocumentedOne() {
        Accounts accounts = new Accounts("default", "000000000000");
        assertThat(accounts.accountId("default")).isEqualTo("000000000000");
        assertThat(accounts.accountId("team-a")).isEqualTo(TEAM_A);
        assertThat(accounts.accountId("media")).isEqualTo("721952528903");
    }

    @Test
    void aPlainNameIsTheDefaultNamespacesAndAnArnNamesAnyNamespaceByItsAccount() {
        assertThat(invoke("whoami")).isEqualTo(
                "{\"namespace\":\"default\",\"invokedFunctionArn\":\"" + ARN + "000000000000:function:whoami\"}");
        assertThat(invoke(ARN + "000000000000:function:whoami")).contains("\"namespace\":\"default\"");
        assertThat(invoke(ARN + TEAM_A + ":function:whoami")).isEqualTo(
                "{\"namespace\":\"team-a\",\"invokedFunctionArn\":\"" + ARN + TEAM_A + ":function:whoami\"}");
        assertThat(invoke(TEAM_A + ":function:whoami:$LATEST")).isEqualTo(
                "{\"namespace\":\"team-a\",\"invokedFunctionArn\":\"" + ARN + TEAM_A
                        + ":function:whoami:$LATEST\"}");
        assertThat(lambda.invoke(b -> b.functionName(ARN + TEAM_A + ":function:whoami")
                .invocationType(InvocationType.EVENT).payload(json("{}"))).statusCode()).isEqualTo(202);
    }

    @Test
    void anAccountOfNoNamespaceIsNotFound() {
        assertThatThrownBy(() -> invoke(ARN + "111111111111:function:whoami"))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Function not found: " + ARN + "111111111111:function:whoami");
                });
        assertThatThrownBy(() -> lambda.invoke(b -> b.functionName(ARN + "111111111111:function:whoami")
                .invocationType(InvocationType.EVENT).payload(json("{}"))))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> lambda.getFunction(b -> b.functionName(ARN + "111111111111:function:whoami")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void theControlPlaneAnswersInTheFunctionsAccount() {
        GetFunctionResponse teamA = lambda.getFunction(b -> b.functionName(ARN + TEAM_A + ":function:whoami"));
        assertThat(teamA.configuration().functionArn()).isEqualTo(ARN + TEAM_A + ":function:whoami");
        assertThat(teamA.configuration().role()).isEqualTo("arn:aws:iam::" + TEAM_A + ":role/default");
        assertThat(lambda.getFunction(b -> b.functionName("whoami")).configuration().functionArn())
                .isEqualTo(ARN + "000000000000:function:whoami");
        assertThat(lambda.listVersionsByFunction(b -> b.functionName(TEAM_A + ":function:whoami")).versions())
                .allSatisfy(v -> assertThat(v.functionArn()).startsWith(ARN + TEAM_A + ":function:whoami:"));
        assertThat(lambda.listFunctions().functions()).as("the default namespace's").singleElement()
                .satisfies(f -> assertThat(f.functionArn()).isEqualTo(ARN + "000000000000:function:whoami"));
    }
}
