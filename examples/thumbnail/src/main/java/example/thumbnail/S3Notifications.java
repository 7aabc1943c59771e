package example.thumbnail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The objects an S3 event notification (the body of an SQS message S3 sent) says were created. Keys arrive
 * URL-encoded ({@code uploads/my+cat.png} for {@code uploads/my cat.png}); these are decoded. S3's test message
 * ({@code s3:TestEvent}, sent when notifications are configured) has no records and names no object.
 */
final class S3Notifications {

    private static final ObjectMapper JSON = new ObjectMapper();

    private S3Notifications() {
    }

    /** An object S3 reported as created. */
    record CreatedObject(String bucket, String key) {
    }

    static List<CreatedObject> createdObjects(String body) throws IOException {
        JsonNode notification = JSON.readTree(body);
        if (notification == null || !notification.isObject()) {
            throw new IOException("the message body is not an S3 event notification");
        }
        List<CreatedObject> created = new ArrayList<>();
        for (JsonNode record : notification.path("Records")) {
            if (!record.path("eventName").asText().startsWith("ObjectCreated:")) {
                continue;
            }
            JsonNode s3 = record.path("s3");
            String bucket = s3.path("bucket").path("name").asText();
            String key = s3.path("object").path("key").asText();
            if (bucket.isEmpty() || key.isEmpty()) {
                throw new IOException("an ObjectCreated record without bucket name or object key");
            }
            created.add(new CreatedObject(bucket, URLDecoder.decode(key, StandardCharsets.UTF_8)));
        }
        return created;
    }
}
