package dev.lamina.shim;

import java.util.Arrays;

/** How the execution environment was initialized, as the runtime sees it in {@code AWS_LAMBDA_INITIALIZATION_TYPE}. */
public enum InitializationType {
    ON_DEMAND("on-demand"),
    PROVISIONED_CONCURRENCY("provisioned-concurrency");

    private final String value;

    InitializationType(String value) {
        this.value = value;
    }

    /** The value Lambda uses: {@code on-demand} or {@code provisioned-concurrency}. */
    public String value() {
        return value;
    }

    public static InitializationType of(String value) {
        return Arrays.stream(values())
                .filter(type -> type.value.equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "initialization type must be on-demand or provisioned-concurrency, got: " + value));
    }
}
