package dev.lamina.sources;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** Why a source cannot be read, with the reason a mapping's status shows. Equal problems compare equal. */
record SourceProblem(String reason, String message) {

    /** A source refused before any call: its configuration cannot be used. */
    static final class Refused extends RuntimeException {
        private final SourceProblem problem;

        Refused(SourceProblem problem) {
            super(problem.message());
            this.problem = problem;
        }

        SourceProblem problem() {
            return problem;
        }
    }

    static SourceProblem of(SdkException failure) {
        if (!(failure instanceof AwsServiceException service)) {
            return new SourceProblem("SourceUnreachable", failure.getMessage());
        }
        AwsErrorDetails details = service.awsErrorDetails();
        String code = details == null || details.errorCode() == null ? "" : details.errorCode();
        // The service's own words, without the request id the SDK appends: the same problem reads the same each time.
        String message = details == null || details.errorMessage() == null ? code : details.errorMessage();
        if (failure instanceof QueueDoesNotExistException || code.contains("NonExistentQueue")
                || code.contains("QueueDoesNotExist")) {
            return new SourceProblem("QueueNotFound", message);
        }
        if (code.equals("ResourceNotFoundException")) {
            // Kinesis and DynamoDB Streams: the stream, or its table, does not exist.
            return new SourceProblem("StreamNotFound", message);
        }
        if (service.statusCode() == 401 || service.statusCode() == 403 || code.contains("AccessDenied")
                || code.equals("InvalidClientTokenId") || code.equals("UnrecognizedClientException")
                || code.equals("SignatureDoesNotMatch") || code.equals("InvalidSecurity")) {
            return new SourceProblem("AccessDenied", message);
        }
        return new SourceProblem("SourceError", code + ": " + message);
    }
}
