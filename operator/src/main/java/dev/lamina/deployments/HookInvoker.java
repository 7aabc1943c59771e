package dev.lamina.deployments;

import java.util.Optional;

/** Invokes a traffic hook through the gateway's invocation path; blocks, so it is called on a virtual thread. */
@FunctionalInterface
public interface HookInvoker {

    /**
     * @param function NAME or NAME:QUALIFIER in the alias's namespace
     * @param event    CodeDeploy's hook event
     * @return why the invocation failed (a function error, not found, throttled), empty when the function ran
     */
    Optional<String> invoke(String namespace, String function, byte[] event);
}
