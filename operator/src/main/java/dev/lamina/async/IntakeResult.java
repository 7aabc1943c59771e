package dev.lamina.async;

/** The answer to an asynchronous invocation request. */
public sealed interface IntakeResult {

    /** Stored durably: answer 202 with this request id. */
    record Accepted(String requestId) implements IntakeResult {
    }

    /** Not stored: answer with Lambda's error (status, {@code x-amzn-ErrorType} and message). */
    record Rejected(int status, String errorType, String message) implements IntakeResult {
    }
}
