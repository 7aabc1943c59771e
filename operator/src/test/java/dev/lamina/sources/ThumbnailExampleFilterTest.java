package dev.lamina.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lamina.api.EventSourceMapping;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The filter of examples/thumbnail/uploads-queue.yaml, as written, on the messages S3 (and moto, which encodes the
 * slash of a key too) put into the queue: only objects created under uploads/ reach the function.
 */
class ThumbnailExampleFilterTest {

    private static final Path MAPPING = Path.of("..", "examples", "thumbnail", "uploads-queue.yaml");

    private static EventFilter filter;

    @BeforeAll
    static void readTheExample() throws IOException {
        EventSourceMapping mapping = new YAMLMapper().readValue(MAPPING.toFile(), EventSourceMapping.class);
        filter = EventFilter.of(mapping.getSpec().filterCriteria());
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource({
            "ObjectCreated:Put, uploads/cat.png, true",
            "ObjectCreated:Put, uploads%2Fcat.png, true",
            "ObjectCreated:CompleteMultipartUpload, uploads/holiday/my+cat.jpg, true",
            "ObjectCreated:Put, thumbnails/cat.png, false",
            "ObjectCreated:Put, thumbnails%2Fcat.png, false",
            "ObjectCreated:Put, uploads, false",
            "ObjectRemoved:Delete, uploads/cat.png, false"})
    void onlyObjectsCreatedUnderUploadsPass(String eventName, String encodedKey, boolean passes) {
        String body = """
                {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
                  "eventTime": "2025-01-31T08:00:00.000Z", "eventName": "%s",
                  "s3": {"s3SchemaVersion": "1.0", "configurationId": "uploads",
                         "bucket": {"name": "images", "arn": "arn:aws:s3:::images"},
                         "object": {"key": "%s", "size": 1024, "eTag": "0123456789abcdef0123456789abcdef"}}}]}
                """.formatted(eventName, encodedKey);

        assertThat(filter.matches(record(body), "body")).isEqualTo(passes);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"Service\": \"Amazon S3\", \"Event\": \"s3:TestEvent\", \"Time\": \"2025-01-31T08:00:00Z\", \"Bucket\": \"images\"}",
            "uploads/cat.png"})
    void s3sTestMessageAndOtherBodiesDoNotPass(String body) {
        assertThat(filter.matches(record(body), "body")).isFalse();
    }

    private static ObjectNode record(String body) {
        Message message = Message.builder().messageId("m1").receiptHandle("r1").body(body).md5OfBody("0").build();
        return SqsRecords.record(message, "arn:aws:sqs:us-east-1:123456789012:uploads", "us-east-1");
    }
}
