package example.thumbnail;

/** The table of image metadata: DynamoDB when deployed, a map in the unit tests. */
interface MetadataTable {

    void put(ImageMetadata metadata);

    void delete(String key);
}
