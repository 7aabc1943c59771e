package example.thumbnail;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The bucket through the AWS SDK. The client is configured the standard way, from the environment: the region from
 * {@code AWS_REGION} (set by the Lambda runtime), credentials from the default chain, and an endpoint other than AWS's
 * from {@code AWS_ENDPOINT_URL} when set. {@code S3_FORCE_PATH_STYLE=true} addresses buckets in the path
 * ({@code http://host/bucket/key}), for an S3-compatible store reached by a host name without a DNS name per bucket;
 * AWS itself, and stores reached by an IP address (as moto in the README), need none.
 */
final class S3ObjectStore implements ObjectStore {

    private final S3Client s3;

    S3ObjectStore(S3Client s3) {
        this.s3 = s3;
    }

    static S3ObjectStore fromEnvironment() {
        return new S3ObjectStore(S3Client.builder().httpClient(ApacheHttpClient.create())
                .forcePathStyle(Boolean.parseBoolean(System.getenv("S3_FORCE_PATH_STYLE"))).build());
    }

    @Override
    public byte[] get(String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    @Override
    public void put(String bucket, String key, byte[] content, String contentType) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(content));
    }

    @Override
    public boolean exists(String bucket, String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void delete(String bucket, String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Override
    public Iterable<String> list(String bucket, String prefix) {
        return () -> s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key).iterator();
    }
}
