package dev.lamina.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lamina.gateway.InvokePermissions.Decision;
import dev.lamina.urls.Caller;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who may invoke, as the Kubernetes API answers (a mock API server playing TokenReview and SubjectAccessReview):
 * allowed, forbidden, no token, a token it does not accept, answers kept for a while.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KubernetesInvokePermissionsTest {

    private static final Caller UPLOADER = new Caller("system:serviceaccount:media:uploader", "uid-media-uploader",
            List.of("system:serviceaccounts", "system:serviceaccounts:media", "system:authenticated"));

    private KubernetesMockServer server;
    private KubernetesClient client;
    private KubernetesAuthFake kubernetes;

    @BeforeEach
    void apiServer() {
        server = new KubernetesMockServer(false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        kubernetes = new KubernetesAuthFake().installOn(server::expect)
                .serviceAccount("uploader-token", "media", "uploader")
                .grant(UPLOADER.username(), "invoke", "media", "thumbnail");
    }

    @AfterEach
    void close() {
        client.close();
        server.destroy();
    }

    private static Decision answer(CompletionStage<Decision> decision) throws Exception {
        return decision.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aCallerRbacAllowsMayInvokeThatFunctionOnly() throws Exception {
        try (var permissions = new KubernetesInvokePermissions(client, Duration.ofMinutes(1))) {
            assertThat(answer(permissions.check("Bearer uploader-token", "media", "thumbnail")))
                    .isEqualTo(new Decision.Allowed(UPLOADER));
            assertThat(answer(permissions.check("bearer uploader-token", "media", "other")))
                    .isEqualTo(new Decision.Forbidden(UPLOADER));
            assertThat(answer(permissions.check("Bearer uploader-token", "default", "thumbnail")))
                    .isEqualTo(new Decision.Forbidden(UPLOADER));
        }
        SubjectAccessReviewSpec first = kubernetes.accessReviews.getFirst();
        assertThat(first.getUser()).isEqualTo(UPLOADER.username());
        assertThat(first.getUid()).isEqualTo(UPLOADER.uid());
        assertThat(first.getGroups()).isEqualTo(UPLOADER.groups());
        assertThat(first.getExtra()).containsEntry("authentication.kubernetes.io/pod-name", List.of("uploader-pod"));
        ResourceAttributes asked = first.getResourceAttributes();
        assertThat(List.of(asked.getGroup(), asked.getResource(), asked.getVerb(), asked.getNamespace(),
                asked.getName())).containsExactly("lamina.dev", "functions", "invoke", "media", "thumbnail");
    }

    @Test
    void noTokenATokenTheApiRejectsAndOtherCredentialsAreUnauthenticated() throws Exception {
        try (var permissions = new KubernetesInvokePermissions(client, Duration.ofMinutes(1))) {
            assertThat(answer(permissions.check(null, "media", "thumbnail")))
                    .isEqualTo(new Decision.Unauthenticated(true));
            assertThat(answer(permissions.check("AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/lambda/aws4_request,"
                    + " SignedHeaders=host, Signature=abc", "media", "thumbnail")))
                    .as("an AWS signature").isEqualTo(new Decision.Unauthenticated(false));
            assertThat(answer(permissions.check("Bearer ", "media", "thumbnail")))
                    .isEqualTo(new Decision.Unauthenticated(false));
            assertThat(kubernetes.tokenReviews).as("nothing to review yet").isEmpty();
            assertThat(answer(permissions.check("Bearer stolen", "media", "thumbnail")))
                    .isEqualTo(new Decision.Unauthenticated(false));
            assertThat(answer(permissions.authenticate("Bearer stolen")))
                    .isEqualTo(new Decision.Unauthenticated(false));
        }
        assertThat(kubernetes.tokenReviews).containsExactly("stolen");
        assertThat(kubernetes.accessReviews).isEmpty();
    }

    @Test
    void answersAreKeptForTheirTimeAndAskedAgainAfter() throws Exception {
        try (var permissions = new KubernetesInvokePermissions(client, Duration.ofMinutes(1))) {
            for (int i = 0; i < 3; i++) {
                assertThat(answer(permissions.check("Bearer uploader-token", "media", "thumbnail")))
                        .isInstanceOf(Decision.Allowed.class);
                assertThat(answer(permissions.check("Bearer stolen", "media", "thumbnail")))
                        .isInstanceOf(Decision.Unauthenticated.class);
            }
            assertThat(answer(permissions.authenticate("Bearer uploader-token")))
                    .isEqualTo(new Decision.Allowed(UPLOADER));
            assertThat(kubernetes.tokenReviews).containsExactly("uploader-token", "stolen");
            assertThat(kubernetes.accessReviews).hasSize(1);
            assertThat(server.getRequestCount()).isEqualTo(3);
        }
        try (var permissions = new KubernetesInvokePermissions(client, Duration.ZERO)) {
            answer(permissions.check("Bearer uploader-token", "media", "thumbnail"));
            answer(permissions.check("Bearer uploader-token", "media", "thumbnail"));
        }
        assertThat(kubernetes.tokenReviews).as("nothing kept").hasSize(4);
        assertThat(kubernetes.accessReviews).hasSize(3);
    }

    @Test
    void aFailedReviewIsAnErrorNotARefusalAndIsNotKept() throws Exception {
        server.clearExpectations();
        // What the API server answers an operator whose RBAC lacks create on tokenreviews.
        server.expect().post().withPath(KubernetesAuthFake.TOKEN_REVIEWS).andReturn(403, """
                {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden", "code": 403,
                 "message": "tokenreviews.authentication.k8s.io is forbidden"}""").once();
        new KubernetesAuthFake().installOn(server::expect).serviceAccount("uploader-token", "media", "uploader")
                .grant(UPLOADER.username(), "invoke", "media", "thumbnail");
        try (var permissions = new KubernetesInvokePermissions(client, Duration.ofMinutes(1))) {
            assertThatThrownBy(() -> answer(permissions.check("Bearer uploader-token", "media", "thumbnail")))
                    .isInstanceOf(ExecutionException.class);
            assertThat(answer(permissions.check("Bearer uploader-token", "media", "thumbnail")))
                    .isEqualTo(new Decision.Allowed(UPLOADER));
        }
    }
}
