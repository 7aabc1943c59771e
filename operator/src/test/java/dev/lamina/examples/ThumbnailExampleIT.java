package dev.lamina.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lamina.async.LocalLamina;
import dev.lamina.testing.MotoServer;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * examples/thumbnail end to end, as its README runs it: moto serves S3, SQS and DynamoDB, set up like setup-moto.sh
 * does (here with the AWS SDK); local mode serves a copy of the example pointed at this moto, with dummy credentials
 * in its environment. An image put under uploads/ gets its thumbnail under thumbnails/ and its item in the table,
 * through the bucket's notification, the queue, the mapping's filter and the function; an upload that is no image is
 * reported as failed, so its message stays in the queue alone; and the clean-up function, invoked as its schedule
 * would, deletes the thumbnail and the item once the image is gone.
 */
class ThumbnailExampleIT {

    private static final Path EXAMPLE = Path.of("..", "examples", "thumbnail");
    private static final Path CODE = EXAMPLE.resolve("target").resolve("thumbnail.zip");
    /** The moto endpoint the example's YAML names (README.md); this test's moto runs on a free port instead. */
    private static final String EXAMPLE_ENDPOINT = "http://127.0.0.1:5000";
    private static final String BUCKET = "images";
    private static final String TABLE = "thumbnails";
    private static final Duration WITHIN = Duration.ofMinutes(2);
    private static final Map<String, String> DUMMY_CREDENTIALS =
            Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test");
    private static final String SCHEDULED_EVENT = """
            {"version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
             "source": "aws.events", "account": "000000000000", "time": "2025-01-31T03:00:00Z", "region": "us-east-1",
             "resources": ["arn:aws:scheduler:us-east-1:000000000000:schedule/default/thumbnail-cleanup-nightly"],
             "detail": {}}
            """;

    @TempDir
    Path work;

    @Test
    void anUploadedImageGetsItsThumbnailAndItemWhichTheCleanUpDeletesOnceTheImageIsGone() throws Exception {
        Path motoServer = MotoServer.executable().orElse(null);
        assumeTrue(motoServer != null, "moto_server is not installed: this test needs it on the PATH to serve S3,"
                + " SQS and DynamoDB (pip install 'moto[server]')");
        assertThat(CODE).as("the example's package, built by ./mvnw package before this test").isRegularFile();

        try (MotoServer moto = MotoServer.start(motoServer, work.resolve("moto.log"));
             S3Client s3 = client(S3Client.builder(), moto.endpoint());
             SqsClient sqs = client(SqsClient.builder(), moto.endpoint());
             DynamoDbClient dynamoDb = client(DynamoDbClient.builder(), moto.endpoint())) {
            String queueUrl = setUp(s3, sqs, dynamoDb);
            Path example = copyOfExample(moto.endpoint());
            assertThat(example.resolve("uploads-queue.yaml")).as("the mapping reads the queue just made")
                    .content().contains("queueUrl: " + queueUrl);

            try (LocalLamina lamina = LocalLamina.start(example, work.resolve("lamina.log"), List.of(),
                    DUMMY_CREDENTIALS);
                 LambdaClient lambda = client(LambdaClient.builder(), lamina.endpoint())) {
                byte[] image = png(1600, 900);
                put(s3, "uploads/holiday/my cat.png", image);
                put(s3, "uploads/notes.png", "not a picture".getBytes(StandardCharsets.UTF_8));

                Map<String, AttributeValue> item = await().atMost(WITHIN).pollInterval(Duration.ofMillis(500))
                        .until(() -> item(dynamoDb, "uploads/holiday/my cat.png"), found -> !found.isEmpty());
                assertThat(item).isEqualTo(Map.of(
                        "key", AttributeValue.fromS("uploads/holiday/my cat.png"),
                        "width", AttributeValue.fromN("1600"),
                        "height", AttributeValue.fromN("900"),
                        "size", AttributeValue.fromN(Integer.toString(image.length)),
                        "thumbnailKey", AttributeValue.fromS("thumbnails/holiday/my cat.png"),
                        "thumbnailWidth", AttributeValue.fromN("256"),
                        "thumbnailHeight", AttributeValue.fromN("144")));
                ResponseBytes<GetObjectResponse> thumbnail = s3.getObjectAsBytes(b -> b.bucket(BUCKET)
                        .key("thumbnails/holiday/my cat.png"));
                assertThat(thumbnail.response().contentType()).isEqualTo("image/png");
                BufferedImage picture = ImageIO.read(thumbnail.asInputStream());
                assertThat(picture.getWidth()).isEqualTo(256);
                assertThat(picture.getHeight()).isEqualTo(144);

                // S3's test message and the thumbnail's own event are filtered out (deleted), the image's message is
                // deleted after it succeeded, and the message of notes.png, reported as failed, waits out its
                // visibility timeout (180 s) in the queue.
                await().atMost(WITHIN).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes())
                                .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
                                .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "1"));
                assertThat(exists(s3, "thumbnails/notes.png")).isFalse();
                assertThat(item(dynamoDb, "uploads/notes.png")).isEmpty();

                s3.deleteObject(b -> b.bucket(BUCKET).key("uploads/holiday/my cat.png"));
                InvokeResponse cleanup = lambda.invoke(b -> b.functionName("thumbnail-cleanup")
                        .payload(SdkBytes.fromUtf8String(SCHEDULED_EVENT)));
                assertThat(cleanup.functionError()).as(cleanup.payload().asUtf8String()).isNull();
                assertThat(new ObjectMapper().readTree(cleanup.payload().asUtf8String()))
                        .isEqualTo(new ObjectMapper().readTree("{\"checked\": 1, \"deleted\": 1}"));
                assertThat(exists(s3, "thumbnails/holiday/my cat.png")).isFalse();
                assertThat(item(dynamoDb, "uploads/holiday/my cat.png")).isEmpty();
            }
        }
    }

    /**
     * What setup-moto.sh makes: the bucket notifying the queue of every object created, the queue with its dead-letter
     * queue, the table. Answers the queue's URL.
     */
    private static String setUp(S3Client s3, SqsClient sqs, DynamoDbClient dynamoDb) {
        s3.createBucket(b -> b.bucket(BUCKET));
        String deadLetters = sqs.createQueue(b -> b.queueName("uploads-dlq")).queueUrl();
        String deadLettersArn = queueArn(sqs, deadLetters);
        String queueUrl = sqs.createQueue(b -> b.queueName("uploads").attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, "180",
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\": \"" + deadLettersArn
                        + "\", \"maxReceiveCount\": \"5\"}"))).queueUrl();
        s3.putBucketNotificationConfiguration(b -> b.bucket(BUCKET).notificationConfiguration(n -> n
                .queueConfigurations(q -> q.id("uploads").queueArn(queueArn(sqs, queueUrl))
                        .events(Event.S3_OBJECT_CREATED))));
        dynamoDb.createTable(b -> b.tableName(TABLE)
                .attributeDefinitions(a -> a.attributeName("key").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("key").keyType(KeyType.HASH))
                .billingMode(BillingMode.PAY_PER_REQUEST));
        return queueUrl;
    }

    private static String queueArn(SqsClient sqs, String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** The example's YAML files, pointed at this test's moto, with the built package where they expect it. */
    private Path copyOfExample(URI moto) throws IOException {
        Path copy = Files.createDirectories(work.resolve("thumbnail"));
        try (var files = Files.list(EXAMPLE)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".yaml")).toList()) {
                String yaml = Files.readString(file);
                assertThat(yaml).as(file + " names no other endpoint").doesNotContainPattern(
                        "http://(?!127\\.0\\.0\\.1:5000)");
                Files.writeString(copy.resolve(file.getFileName()), yaml.replace(EXAMPLE_ENDPOINT, moto.toString()));
            }
        }
        Files.copy(CODE, Files.createDirectories(copy.resolve("target")).resolve(CODE.getFileName()));
        return copy;
    }

    private static void put(S3Client s3, String key, byte[] content) {
        s3.putObject(b -> b.bucket(BUCKET).key(key).contentType("image/png"), RequestBody.fromBytes(content));
    }

    private static boolean exists(S3Client s3, String key) {
        try {
            s3.headObject(b -> b.bucket(BUCKET).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        }
    }

    private static Map<String, AttributeValue> item(DynamoDbClient dynamoDb, String key) {
        return dynamoDb.getItem(b -> b.tableName(TABLE).key(Map.of("key", AttributeValue.fromS(key)))
                .consistentRead(true)).item();
    }

    /** A PNG picture: a gradient with a white ellipse. */
    private static byte[] png(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.ORANGE, width, height, Color.MAGENTA));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.WHITE);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }

    /** An SDK client of moto or of local mode: dummy credentials, bounded connection, socket and call times. */
    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder,
                                                                                                 URI endpoint) {
        return builder.endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(90)))
                .build();
    }
}
