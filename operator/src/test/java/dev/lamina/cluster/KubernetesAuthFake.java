package dev.lamina.cluster;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authentication.UserInfoBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpec;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.MockServerExpectation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The Kubernetes API's TokenReview and SubjectAccessReview, played on a mock API server (whose CRUD mode would only
 * store them): tokens it knows, and what RBAC grants whom. Records every review it answers.
 */
final class KubernetesAuthFake {
    static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
    static final String ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

    private final Map<String, UserInfo> tokens = new ConcurrentHashMap<>();
    private final Set<String> grants = ConcurrentHashMap.newKeySet();
    /** The tokens reviewed, in order. */
    final List<String> tokenReviews = new CopyOnWriteArrayList<>();
    /** The access reviews asked, in order. */
    final List<SubjectAccessReviewSpec> accessReviews = new CopyOnWriteArrayList<>();

    /** Answers the two reviews on the server whose expectations {@code expect} starts. */
    KubernetesAuthFake installOn(Supplier<MockServerExpectation> expect) {
        expect.get().post().withPath(TOKEN_REVIEWS).andReply(201, request -> {
            TokenReview review = Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
            tokenReviews.add(review.getSpec().getToken());
            UserInfo user = tokens.get(review.getSpec().getToken());
            review.setStatus(user == null
                    ? new TokenReviewStatusBuilder().withAuthenticated(false).withError("invalid bearer token").build()
                    : new TokenReviewStatusBuilder().withAuthenticated(true).withUser(user).build());
            return Serialization.asJson(review);
        }).always();
        expect.get().post().withPath(ACCESS_REVIEWS).andReply(201, request -> {
            SubjectAccessReview review = Serialization.unmarshal(request.getUtf8Body(), SubjectAccessReview.class);
            accessReviews.add(review.getSpec());
            ResourceAttributes asked = review.getSpec().getResourceAttributes();
            boolean allowed = grants.contains(grant(review.getSpec().getUser(), asked.getVerb(), asked.getGroup(),
                    asked.getResource(), asked.getNamespace(), asked.getName()));
            review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(allowed).build());
            return Serialization.asJson(review);
        }).always();
        return this;
    }

    /** A ServiceAccount's token, as the API server authenticates it. */
    KubernetesAuthFake serviceAccount(String token, String namespace, String name) {
        tokens.put(token, new UserInfoBuilder().withUsername("system:serviceaccount:" + namespace + ":" + name)
                .withUid("uid-" + namespace + "-" + name)
                .withGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated")
                .withExtra(Map.of("authentication.kubernetes.io/pod-name", List.of(name + "-pod")))
                .build());
        return this;
    }

    /** A person's token (from an OIDC provider, say). */
    KubernetesAuthFake user(String token, String username) {
        tokens.put(token, new UserInfoBuilder().withUsername(username).withUid("uid-" + username)
                .withGroups("system:authenticated").build());
        return this;
    }

    /** What a RoleBinding would allow: {@code verb} on the function {@code namespace/name}. */
    KubernetesAuthFake grant(String user, String verb, String namespace, String name) {
        grants.add(grant(user, verb, "lamina.dev", "functions", namespace, name));
        return this;
    }

    private static String grant(String user, String verb, String group, String resource, String namespace,
                                String name) {
        return String.join(" ", user, verb, group + "/" + resource, namespace + "/" + name);
    }
}
