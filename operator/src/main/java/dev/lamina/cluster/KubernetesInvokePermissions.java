package dev.lamina.cluster;

import dev.lamina.api.Function;
import dev.lamina.gateway.InvokePermissions;
import dev.lamina.urls.Caller;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Who may invoke, as the Kubernetes API says: the bearer token is checked by a TokenReview
 * (authentication.k8s.io/v1), then the caller's permission by a SubjectAccessReview (authorization.k8s.io/v1) for
 * verb {@code invoke} (reads: {@code get}, {@code list}) on {@code functions.lamina.dev} with the function's name in
 * its namespace — what RBAC Roles grant (the chart's ClusterRole {@code lamina-invoker}). Both answers are kept for
 * a short time; the API is called on virtual threads, never on the caller's.
 */
public final class KubernetesInvokePermissions implements InvokePermissions, AutoCloseable {

    private static final int MAX_ENTRIES = 10_000;
    private static final String BEARER = "bearer ";

    /** The user as the TokenReview answered, with its extra attributes, which a SubjectAccessReview takes too. */
    private record User(Caller caller, Map<String, List<String>> extra) {
    }

    private record Access(User user, String verb, String namespace, String name) {
    }

    private final KubernetesClient client;
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    /** By the token's SHA-256: tokens themselves are not kept. */
    private final ExpiringCache<String, Optional<User>> tokens;
    private final ExpiringCache<Access, Boolean> reviews;

    public KubernetesInvokePermissions(KubernetesClient client, Duration ttl) {
        this.client = client;
        this.tokens = new ExpiringCache<>(ttl, MAX_ENTRIES, System::nanoTime);
        this.reviews = new ExpiringCache<>(ttl, MAX_ENTRIES, System::nanoTime);
    }

    @Override
    public CompletionStage<Decision> authenticate(String authorization) {
        return user(authorization).thenApply(user -> user.<Decision>map(u -> new Decision.Allowed(u.caller()))
                .orElseGet(() -> new Decision.Unauthenticated(authorization == null)));
    }

    @Override
    public CompletionStage<Decision> check(String authorization, String namespace, String function) {
        return allowed(authorization, VERB, namespace, function);
    }

    @Override
    public CompletionStage<Decision> checkRead(String authorization, String namespace, String function) {
        return allowed(authorization, function == null ? "list" : "get", namespace, function);
    }

    @Override
    public void close() {
        calls.shutdownNow();
    }

    private CompletionStage<Decision> allowed(String authorization, String verb, String namespace, String name) {
        return user(authorization).thenCompose(found -> {
            if (found.isEmpty()) {
                return CompletableFuture.completedFuture(new Decision.Unauthenticated(authorization == null));
            }
            User user = found.get();
            return reviews.get(new Access(user, verb, namespace, name),
                            () -> CompletableFuture.supplyAsync(() -> review(user, verb, namespace, name), calls))
                    .thenApply(allowed -> allowed ? new Decision.Allowed(user.caller())
                            : new Decision.Forbidden(user.caller()));
        });
    }

    /** The user a bearer token is; empty for no token, another kind of credential, or a token not accepted. */
    private CompletableFuture<Optional<User>> user(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        String token = authorization.substring(BEARER.length()).strip();
        if (token.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return tokens.get(sha256(token), () -> CompletableFuture.supplyAsync(() -> review(token), calls));
    }

    private Optional<User> review(String token) {
        TokenReview answer = client.authentication().v1().tokenReviews().create(new TokenReviewBuilder()
                .withNewSpec().withToken(token).endSpec().build());
        if (answer.getStatus() == null || !Boolean.TRUE.equals(answer.getStatus().getAuthenticated())
                || answer.getStatus().getUser() == null) {
            return Optional.empty();
        }
        UserInfo user = answer.getStatus().getUser();
        return Optional.of(new User(new Caller(user.getUsername(), user.getUid() == null ? "" : user.getUid(),
                user.getGroups() == null ? List.of() : List.copyOf(user.getGroups())),
                user.getExtra() == null ? Map.of() : Map.copyOf(user.getExtra())));
    }

    private boolean review(User user, String verb, String namespace, String name) {
        SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(
                new SubjectAccessReviewBuilder().withNewSpec()
                        .withUser(user.caller().username())
                        .withUid(user.caller().uid().isEmpty() ? null : user.caller().uid())
                        .withGroups(user.caller().groups())
                        .withExtra(user.extra())
                        .withNewResourceAttributes()
                        .withGroup(Function.GROUP).withResource(RESOURCE).withVerb(verb)
                        .withNamespace(namespace).withName(name)
                        .endResourceAttributes()
                        .endSpec().build());
        return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
