package dev.lamina.gateway;

/**
 * A Lambda service error: the code goes into {@code x-amzn-ErrorType}, the message into the JSON body.
 *
 * @param code    Lambda's exception name, e.g. ResourceNotFoundException
 * @param status  HTTP status
 * @param message what went wrong, for a human
 */
public record ServiceError(String code, int status, String message) {

    /** Lamina failed (a 5xx, "Service" in the body), not the caller's request (a 4xx, "User"). */
    public boolean platformFault() {
        return status >= 500;
    }

    public static ServiceError notFound(String message) {
        return new ServiceError("ResourceNotFoundException", 404, message);
    }

    public static ServiceError invalidParameter(String message) {
        return new ServiceError("InvalidParameterValueException", 400, message);
    }

    public static ServiceError invalidContent(String message) {
        return new ServiceError("InvalidRequestContentException", 400, message);
    }

    public static ServiceError tooLarge(String message) {
        return new ServiceError("RequestTooLargeException", 413, message);
    }

    public static ServiceError conflict(String message) {
        return new ServiceError("ResourceConflictException", 409, message);
    }

    /** Lambda's answer to invoking a version that cannot run (its state is not Active). */
    public static ServiceError notActive(VersionState state) {
        return conflict("The operation cannot be performed at this time. The function is currently in the following"
                + " state: " + state.state() + ". " + state.reason());
    }

    /**
     * No execution environment of the version could start: a configuration this platform cannot run, so a user error
     * (Lambda answers a function that cannot run with ResourceConflictException), never a fault of the service.
     */
    public static ServiceError cannotStart(String version, String reason) {
        return conflict("The operation cannot be performed at this time. An execution environment of " + version
                + " could not start: " + reason);
    }

    /** A request without a bearer token where callers are checked: what Lambda answers an unsigned request. */
    public static ServiceError missingToken() {
        return new ServiceError("MissingAuthenticationTokenException", 403, "Missing Authentication Token");
    }

    /** A bearer token the Kubernetes API did not accept (or another kind of credential). */
    public static ServiceError invalidToken() {
        return new ServiceError("UnrecognizedClientException", 403,
                "The security token included in the request is invalid.");
    }

    /** A known caller without the permission: {@code action} as IAM names it, e.g. lambda:InvokeFunction. */
    public static ServiceError accessDenied(String user, String action, String resourceArn) {
        return new ServiceError("AccessDeniedException", 403, "User: " + user + " is not authorized to perform: "
                + action + " on resource: " + resourceArn + " because no resource-based policy allows the " + action
                + " action");
    }

    public static ServiceError service(String message) {
        return new ServiceError("ServiceException", 500, message);
    }
}
