package dev.lamina.shim;

/** The runtime's initialization failed: what {@link Shim#readyFuture()} fails with. */
public final class InitFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String errorType;
    private final String errorMessage;

    public InitFailedException(String errorType, String errorMessage) {
        super(errorType + ": " + errorMessage);
        this.errorType = errorType;
        this.errorMessage = errorMessage;
    }

    /** Lambda's error type, e.g. {@code Runtime.ExitError} or the type the runtime reported. */
    public String errorType() {
        return errorType;
    }

    public String errorMessage() {
        return errorMessage;
    }
}
