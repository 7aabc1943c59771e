package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

class SourceProblemTest {

    private static SqsException sqs(int status, String code, String message) {
        return (SqsException) SqsException.builder().statusCode(status).requestId("req-1")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    @Test
    void aMissingQueue() {
        SourceProblem problem = SourceProblem.of(QueueDoesNotExistException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("QueueDoesNotExist")
                        .errorMessage("The specified queue does not exist.").build()).build());

        assertThat(problem).isEqualTo(new SourceProblem("QueueNotFound", "The specified queue does not exist."));
        assertThat(SourceProblem.of(sqs(400, "AWS.SimpleQueueService.NonExistentQueue", "gone")).reason())
                .isEqualTo("QueueNotFound");
    }

    @Test
    void aMissingStream() {
        assertThat(SourceProblem.of(ResourceNotFoundException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException")
                        .errorMessage("Stream clicks under account 123456789012 not found.").build()).build()))
                .isEqualTo(new SourceProblem("StreamNotFound", "Stream clicks under account 123456789012 not found."));
    }

    @Test
    void refusedCredentials() {
        assertThat(SourceProblem.of(sqs(403, "AccessDenied", "no")).reason()).isEqualTo("AccessDenied");
        assertThat(SourceProblem.of(sqs(400, "InvalidClientTokenId", "no")).reason()).isEqualTo("AccessDenied");
        assertThat(SourceProblem.of(sqs(400, "SignatureDoesNotMatch", "no")).reason()).isEqualTo("AccessDenied");
    }

    @Test
    void anUnreachableEndpoint() {
        assertThat(SourceProblem.of(SdkClientException.create("Unable to execute HTTP request: Connection refused")))
                .isEqualTo(new SourceProblem("SourceUnreachable", "Unable to execute HTTP request: Connection refused"));
    }

    @Test
    void otherServiceErrorsKeepTheirCodeAndLeaveTheRequestIdOut() {
        SourceProblem problem = SourceProblem.of(sqs(500, "InternalError", "try later"));

        assertThat(problem).isEqualTo(new SourceProblem("SourceError", "InternalError: try later"));
        assertThat(SourceProblem.of(sqs(500, "InternalError", "try later"))).isEqualTo(problem);
    }
}
