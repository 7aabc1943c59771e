package example.thumbnail;

/** The bucket operations the functions need: S3 when deployed, a map in the unit tests. */
interface ObjectStore {

    byte[] get(String bucket, String key);

    void put(String bucket, String key, byte[] content, String contentType);

    boolean exists(String bucket, String key);

    void delete(String bucket, String key);

    /** The keys under a prefix, page by page as they are read. */
    Iterable<String> list(String bucket, String prefix);
}
