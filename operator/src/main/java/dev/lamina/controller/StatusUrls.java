package dev.lamina.controller;

import dev.lamina.api.Alias;
import dev.lamina.api.Function;
import dev.lamina.shim.ShimContract;
import dev.lamina.urls.FunctionUrls;

/**
 * The URLs a status shows: where the Invoke API takes the function, and its Function URL when it has one. Null when
 * the gateway's URL is not known ({@code lamina.controller.gateway-url}) or there is no Function URL.
 */
record StatusUrls(String invokeUrl, String functionUrl) {

    static StatusUrls of(ControllerSettings settings, Function function) {
        String name = function.getMetadata().getName();
        return settings.gatewayUrl().map(base -> new StatusUrls(
                        trimmed(base) + ShimContract.invokePath(name),
                        function.getSpec().url() == null ? null : FunctionUrls.address(base, settings.urlDomain(),
                                FunctionUrls.id(function.getMetadata().getNamespace(), name, null))))
                .orElse(new StatusUrls(null, null));
    }

    /** The Function URL of an alias, or null. */
    static String functionUrl(ControllerSettings settings, Alias alias) {
        if (alias.getSpec().url() == null) {
            return null;
        }
        return settings.gatewayUrl().map(base -> FunctionUrls.address(base, settings.urlDomain(), FunctionUrls.id(
                alias.getMetadata().getNamespace(), alias.getSpec().function(), alias.getSpec().name()))).orElse(null);
    }

    private static String trimmed(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
