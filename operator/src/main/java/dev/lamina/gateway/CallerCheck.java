package dev.lamina.gateway;

import dev.lamina.gateway.InvokePermissions.Decision;
import io.vertx.core.Context;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The check of callers of the Invoke API and the control-plane reads, in one place: who calls (their bearer token),
 * where their plain function names resolve (their namespace, see {@link Accounts}) and whether they may do what they
 * ask with the function the name points at ({@link InvokePermissions}), answered with Lambda's errors. With
 * {@code lamina.gateway.invoke-auth=none} (or in local mode, where the permissions are open) everyone passes and
 * plain names resolve in the default namespace.
 */
@ApplicationScoped
public class CallerCheck {

    /** What a check answers. */
    public sealed interface Outcome {
        /** Go on; plain function names resolve in {@code plainNamespace}. */
        record Passed(String plainNamespace) implements Outcome {
        }

        /** Answer this error. */
        record Refused(ServiceError error) implements Outcome {
        }
    }

    private static final String INVOKE = "lambda:InvokeFunction";

    private final InvokePermissions permissions;
    private final Accounts accounts;
    private final Arns arns;
    private final boolean checks;

    public CallerCheck(InvokePermissions permissions, Accounts accounts, GatewayConfig config) {
        this.permissions = permissions;
        this.accounts = accounts;
        this.arns = new Arns(config.region(), accounts);
        this.checks = config.invokeAuth() == GatewayConfig.InvokeAuth.KUBERNETES;
    }

    /** An invocation of {@code functionName} (a name or ARN, as the caller gave it) with the caller's header. */
    public CompletionStage<Outcome> invoke(String authorization, String functionName, String qualifier) {
        return check(authorization, functionName, qualifier, INVOKE);
    }

    /** A read of a function's configuration, versions or aliases. */
    public CompletionStage<Outcome> read(String authorization, String functionName) {
        return check(authorization, functionName, null, "lambda:GetFunction");
    }

    /** ListFunctions: the functions of the caller's namespace. */
    public CompletionStage<Outcome> list(String authorization) {
        if (!checks) {
            return passed(accounts.defaultNamespace());
        }
        return guarded(permissions.authenticate(authorization).thenCompose(who -> switch (who) {
            case Decision.Allowed known -> {
                String namespace = accounts.namespaceOf(known.caller());
                yield permissions.checkRead(authorization, namespace, null).thenApply(decision -> outcome(decision,
                        namespace, "lambda:ListFunctions", arns.functions(namespace)));
            }
            case Decision.Unauthenticated u -> refused(u);
            case Decision.Forbidden f -> refused(f, "lambda:ListFunctions", "*");
        }));
    }

    private CompletionStage<Outcome> check(String authorization, String functionName, String qualifier,
                                           String action) {
        if (!checks) {
            return passed(accounts.defaultNamespace());
        }
        return guarded(permissions.authenticate(authorization).thenCompose(who -> switch (who) {
            case Decision.Allowed known -> {
                String plain = accounts.namespaceOf(known.caller());
                FunctionAddress address;
                try {
                    address = FunctionAddress.parse(functionName, qualifier);
                } catch (FunctionAddress.InvalidAddress invalid) {
                    yield passed(plain); // the API answers the invalid name as it does for everyone
                }
                Optional<String> namespace = accounts.namespaceOf(address, plain);
                if (namespace.isEmpty()) {
                    yield passed(plain); // an account that is no namespace: the API answers it is not found
                }
                String resource = arns.named(address, plain, address.qualifier());
                CompletionStage<Decision> decision = action.equals(INVOKE)
                        ? permissions.check(authorization, namespace.get(), address.name())
                        : permissions.checkRead(authorization, namespace.get(), address.name());
                yield decision.thenApply(d -> outcome(d, plain, action, resource));
            }
            case Decision.Unauthenticated u -> refused(u);
            case Decision.Forbidden f -> refused(f, action, functionName);
        }));
    }

    /**
     * Goes on with the request once its check passed — at once when the answer is there already (no check, a cached
     * answer), else back on the request's event loop — with the namespace plain names resolve in; answers a refusal.
     */
    static void proceed(RoutingContext ctx, CompletionStage<Outcome> check, Consumer<String> then) {
        CompletableFuture<Outcome> answer = check.toCompletableFuture();
        if (answer.isDone()) {
            proceed(ctx, answer.join(), then);
        } else {
            Context context = ctx.vertx().getOrCreateContext();
            answer.thenAccept(outcome -> context.runOnContext(v -> proceed(ctx, outcome, then)));
        }
    }

    private static void proceed(RoutingContext ctx, Outcome outcome, Consumer<String> then) {
        switch (outcome) {
            case Outcome.Passed passed -> then.accept(passed.plainNamespace());
            case Outcome.Refused refused -> ErrorBodies.write(ctx.response(), RequestIds.next(), refused.error());
        }
    }

    private static Outcome outcome(Decision decision, String plainNamespace, String action, String resource) {
        return switch (decision) {
            case Decision.Allowed a -> new Outcome.Passed(plainNamespace);
            case Decision.Unauthenticated u -> unauthenticated(u);
            case Decision.Forbidden f -> new Outcome.Refused(ServiceError.accessDenied(f.caller().username(), action,
                    resource));
        };
    }

    private static Outcome unauthenticated(Decision.Unauthenticated u) {
        return new Outcome.Refused(u.missing() ? ServiceError.missingToken() : ServiceError.invalidToken());
    }

    private static CompletionStage<Outcome> refused(Decision.Unauthenticated u) {
        return CompletableFuture.completedFuture(unauthenticated(u));
    }

    private static CompletionStage<Outcome> refused(Decision.Forbidden f, String action, String resource) {
        return CompletableFuture.completedFuture(new Outcome.Refused(
                ServiceError.accessDenied(f.caller().username(), action, resource)));
    }

    private static CompletionStage<Outcome> passed(String namespace) {
        return CompletableFuture.completedFuture(new Outcome.Passed(namespace));
    }

    /** A check that could not be made (the Kubernetes API failed) is a service error, never a pass. */
    private static CompletionStage<Outcome> guarded(CompletionStage<Outcome> check) {
        return check.exceptionally(failure -> new Outcome.Refused(ServiceError.service(
                "Lamina could not check the caller with the Kubernetes API: " + rootMessage(failure))));
    }

    private static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
