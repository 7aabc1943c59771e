package example.thumbnail;

/** S3 event notifications as S3 puts them into the queue. */
final class Notifications {

    private Notifications() {
    }

    /** An ObjectCreated:Put notification for {@code encodedKey}, URL-encoded as S3 sends it. */
    static String created(String bucket, String encodedKey) {
        return """
                {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
                 "eventTime":"2025-01-31T08:00:00.000Z","eventName":"ObjectCreated:Put",
                 "s3":{"s3SchemaVersion":"1.0","configurationId":"uploads",
                       "bucket":{"name":"%s","arn":"arn:aws:s3:::%s"},
                       "object":{"key":"%s","size":1024,"eTag":"0123456789abcdef0123456789abcdef"}}}]}
                """.formatted(bucket, bucket, encodedKey);
    }

    /** The message S3 sends when notifications to a queue are configured. */
    static String testEvent(String bucket) {
        return """
                {"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2025-01-31T08:00:00.000Z","Bucket":"%s"}
                """.formatted(bucket);
    }
}
