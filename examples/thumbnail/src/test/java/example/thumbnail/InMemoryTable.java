package example.thumbnail;

import java.util.Map;
import java.util.TreeMap;

/** The metadata table as a map from key to item. */
final class InMemoryTable implements MetadataTable {

    final Map<String, ImageMetadata> items = new TreeMap<>();

    @Override
    public void put(ImageMetadata metadata) {
        items.put(metadata.key(), metadata);
    }

    @Override
    public void delete(String key) {
        items.remove(key);
    }
}
