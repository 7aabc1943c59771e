package dev.lamina.controller;

import dev.lamina.api.Function;
import dev.lamina.shim.ShimContract;

/** The URL a user invokes a function at through the gateway (Lambda's Invoke API path). */
final class InvokeUrls {
    private InvokeUrls() {
    }

    static String forFunction(String gatewayBase, Function function) {
        String base = gatewayBase.endsWith("/") ? gatewayBase.substring(0, gatewayBase.length() - 1) : gatewayBase;
        return base + ShimContract.invokePath(function.getMetadata().getName());
    }
}
