package dev.lamina.async;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * How one invocation attempt ended, in the terms asynchronous delivery decides on. The last failed attempt is stored
 * with the event, so that the record sent when it finally fails can describe it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "outcome")
@JsonSubTypes({@JsonSubTypes.Type(value = AttemptOutcome.Success.class, name = "success"),
        @JsonSubTypes.Type(value = AttemptOutcome.FunctionError.class, name = "functionError"),
        @JsonSubTypes.Type(value = AttemptOutcome.Throttled.class, name = "throttled"),
        @JsonSubTypes.Type(value = AttemptOutcome.PlatformError.class, name = "platformError"),
        @JsonSubTypes.Type(value = AttemptOutcome.NotFound.class, name = "notFound")})
public sealed interface AttemptOutcome {

    /** HTTP status Lambda would have answered the synchronous call with. */
    int statusCode();

    /** The function ran and returned a result. */
    record Success(String executedVersion, byte[] payload) implements AttemptOutcome {
        @Override
        public int statusCode() {
            return 200;
        }
    }

    /**
     * The function ran and failed (its handler threw, it timed out, crashed, or its init failed).
     *
     * @param errorType the {@code X-Amz-Function-Error} value, e.g. {@code Unhandled}
     * @param payload   the error document {@code {"errorMessage":…,"errorType":…}}
     */
    record FunctionError(String executedVersion, String errorType, byte[] payload) implements AttemptOutcome {
        @Override
        public int statusCode() {
            return 200;
        }
    }

    /** No concurrency was available (429 {@code TooManyRequestsException} with this reason). */
    record Throttled(String reason, String message) implements AttemptOutcome {
        @Override
        public int statusCode() {
            return 429;
        }
    }

    /** The platform failed before the function could answer (5xx), or refused the call (e.g. a recursive loop). */
    record PlatformError(int statusCode, String errorCode, String message) implements AttemptOutcome {
    }

    /** The function or qualifier no longer exists. */
    record NotFound(String message) implements AttemptOutcome {
        @Override
        public int statusCode() {
            return 404;
        }
    }
}
