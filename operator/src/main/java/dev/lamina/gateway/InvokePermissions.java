package dev.lamina.gateway;

import dev.lamina.urls.Caller;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Who may invoke a function: the port every door that checks callers asks (the Invoke API when
 * {@code lamina.gateway.invoke-auth=kubernetes}, Function URLs with {@code authType: KUBERNETES}). In a cluster the
 * Kubernetes API answers (a TokenReview, then a SubjectAccessReview for verb {@value #VERB} on {@value #RESOURCE}
 * named like the function, in its namespace); local mode is open. Implementations never block the calling thread
 * (an event loop). A stage completes exceptionally only when no answer could be had (the Kubernetes API failed),
 * never for a refusal.
 */
public interface InvokePermissions {

    /** The RBAC verb that allows invoking a function (the chart's {@code lamina-invoker} ClusterRole grants it). */
    String VERB = "invoke";
    /** The resource the verb is on, in API group {@code lamina.dev}. */
    String RESOURCE = "functions";
    /** Who callers are where nobody is checked. */
    Caller ANONYMOUS = new Caller("system:anonymous", "", List.of("system:unauthenticated"));

    /** Where nobody is checked (local mode): everyone is allowed, as {@link #ANONYMOUS}. */
    InvokePermissions OPEN = new InvokePermissions() {
        @Override
        public CompletionStage<Decision> authenticate(String authorization) {
            return CompletableFuture.completedFuture(new Decision.Allowed(ANONYMOUS));
        }

        @Override
        public CompletionStage<Decision> check(String authorization, String namespace, String function) {
            return authenticate(authorization);
        }

        @Override
        public CompletionStage<Decision> checkRead(String authorization, String namespace, String function) {
            return authenticate(authorization);
        }
    };

    /**
     * Who the bearer token of an {@code Authorization} header (may be null) belongs to: {@link Decision.Allowed}
     * with the caller once the token is accepted (nothing is authorized yet), else {@link Decision.Unauthenticated}.
     */
    CompletionStage<Decision> authenticate(String authorization);

    /** Whether the caller with this {@code Authorization} header (may be null) may invoke {@code namespace/function}. */
    CompletionStage<Decision> check(String authorization, String namespace, String function);

    /**
     * Whether the caller may read a function's configuration (RBAC verb {@code get} on it), or with a null
     * {@code function} list the functions of the namespace (verb {@code list}): the control-plane reads.
     */
    CompletionStage<Decision> checkRead(String authorization, String namespace, String function);

    /** The answer of a check. */
    sealed interface Decision {
        /** The caller may invoke. */
        record Allowed(Caller caller) implements Decision {
        }

        /** No bearer token ({@code missing}), or one the Kubernetes API did not accept. */
        record Unauthenticated(boolean missing) implements Decision {
        }

        /** The caller is known and may not invoke the function. */
        record Forbidden(Caller caller) implements Decision {
        }
    }
}
