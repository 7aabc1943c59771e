package dev.lamina.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EdgeErrorsTest {

    @Test
    void functionFailuresAnswerAsLambdaEdgeDoes() {
        assertEquals(502, EdgeErrors.invalidResult("the status is missing").status());
        assertEquals("LambdaValidationError from cloudfront", EdgeErrors.invalidResult("x").xCache());
        assertEquals(503, EdgeErrors.functionError().status());
        assertEquals("LambdaExecutionError from cloudfront", EdgeErrors.functionError().xCache());
        assertEquals(503, EdgeErrors.throttled().status());
        assertEquals("LambdaLimitExceeded from cloudfront", EdgeErrors.throttled().xCache());
        assertEquals(503, EdgeErrors.functionTimedOut().status());
        assertEquals("LambdaLimitExceeded from cloudfront", EdgeErrors.functionTimedOut().xCache());
    }

    @Test
    void distributionErrorsAreErrorsFromCloudFront() {
        assertEquals(502, EdgeErrors.originUnreachable().status());
        assertEquals(504, EdgeErrors.originTimedOut().status());
        assertEquals(403, EdgeErrors.methodNotAllowed().status());
        assertEquals(403, EdgeErrors.distributionDisabled().status());
        assertEquals(403, EdgeErrors.unknownDistribution().status());
        assertEquals(413, EdgeErrors.requestTooLarge().status());
        for (EdgeErrors.EdgeError error : new EdgeErrors.EdgeError[] {EdgeErrors.originUnreachable(),
                EdgeErrors.originTimedOut(), EdgeErrors.methodNotAllowed(), EdgeErrors.distributionDisabled(),
                EdgeErrors.unknownDistribution(), EdgeErrors.requestTooLarge()}) {
            assertEquals("Error from cloudfront", error.xCache());
        }
    }

    @Test
    void thePageNamesStatusReasonAndRequestIdEscaped() {
        String html = EdgeErrors.invalidResult("the header <x-cache> is not allowed").html("abc==");

        assertTrue(html.contains("<title>ERROR: The request could not be satisfied</title>"), html);
        assertTrue(html.contains("502 ERROR"), html);
        assertTrue(html.contains("the header &lt;x-cache&gt; is not allowed"), html);
        assertTrue(html.contains("Request ID: abc=="), html);
    }
}
