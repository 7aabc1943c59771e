package example.thumbnail;

import java.util.Map;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The metadata table in DynamoDB, one item per image keyed by its object key ({@code key}, a string). The client is
 * configured from the environment like {@link S3ObjectStore}'s.
 */
final class DynamoDbMetadataTable implements MetadataTable {

    private final DynamoDbClient dynamoDb;
    private final String table;

    DynamoDbMetadataTable(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    static DynamoDbMetadataTable fromEnvironment() {
        return new DynamoDbMetadataTable(DynamoDbClient.builder().httpClient(ApacheHttpClient.create()).build(),
                Environment.required("TABLE"));
    }

    @Override
    public void put(ImageMetadata metadata) {
        dynamoDb.putItem(b -> b.tableName(table).item(Map.of(
                "key", string(metadata.key()),
                "width", number(metadata.width()),
                "height", number(metadata.height()),
                "size", number(metadata.size()),
                "thumbnailKey", string(metadata.thumbnailKey()),
                "thumbnailWidth", number(metadata.thumbnailWidth()),
                "thumbnailHeight", number(metadata.thumbnailHeight()))));
    }

    @Override
    public void delete(String key) {
        dynamoDb.deleteItem(b -> b.tableName(table).key(Map.of("key", string(key))));
    }

    private static AttributeValue string(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
