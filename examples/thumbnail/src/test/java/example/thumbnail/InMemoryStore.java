package example.thumbnail;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/** Buckets as maps from key to object. */
final class InMemoryStore implements ObjectStore {

    record StoredObject(byte[] content, String contentType) {
    }

    final Map<String, StoredObject> objects = new TreeMap<>();

    @Override
    public byte[] get(String bucket, String key) {
        StoredObject object = objects.get(bucket + "/" + key);
        if (object == null) {
            throw new NoSuchElementException("no object " + key + " in " + bucket);
        }
        return object.content();
    }

    @Override
    public void put(String bucket, String key, byte[] content, String contentType) {
        objects.put(bucket + "/" + key, new StoredObject(content, contentType));
    }

    @Override
    public boolean exists(String bucket, String key) {
        return objects.containsKey(bucket + "/" + key);
    }

    @Override
    public void delete(String bucket, String key) {
        objects.remove(bucket + "/" + key);
    }

    @Override
    public Iterable<String> list(String bucket, String prefix) {
        String start = bucket + "/" + prefix;
        return objects.keySet().stream().filter(k -> k.startsWith(start))
                .map(k -> k.substring(bucket.length() + 1)).toList();
    }
}
